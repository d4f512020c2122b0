/**
 * strata's image builder: the Dockerfile front end (parser, variable substitution, build
 * arguments), the build context (COPY/ADD sources, {@code .dockerignore}), and the executor that
 * runs a Dockerfile on strata's snapshots (RUN through an OCI runtime, runc or crun), each
 * filesystem step committed as a layer, with a build cache the collector understands. Exports its
 * API packages only.
 */
@SuppressWarnings("requires-automatic") // commons-compress (bzip2 for ADD) has no module descriptor
module dev.strata.build {
  requires transitive dev.strata.core;
  requires transitive dev.strata.snapshot;
  requires com.fasterxml.jackson.databind;
  requires java.net.http;
  requires org.apache.commons.compress;
  requires org.tukaani.xz;
  requires static org.jspecify;

  exports dev.strata.build.dockerfile;
  exports dev.strata.build.context;
  exports dev.strata.build;
  exports dev.strata.build.runtime;
}
