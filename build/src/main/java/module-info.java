/**
 * strata's image builder: the Dockerfile front end (parser, variable substitution, build
 * arguments), the build context (COPY/ADD sources, {@code .dockerignore}), and the executor that
 * runs a Dockerfile on strata's snapshots. Exports its API packages only.
 */
module dev.strata.build {
  requires transitive dev.strata.core;
  requires static org.jspecify;

  exports dev.strata.build.dockerfile;
  exports dev.strata.build.context;
}
