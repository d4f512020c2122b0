/**
 * strata's image builder: a Dockerfile parsed into instructions, run stage by stage on strata's
 * own snapshots (RUN through an OCI runtime, runc or crun), each filesystem step committed as a
 * layer, with a build cache the collector understands.
 */
module dev.strata.build {
  requires transitive dev.strata.snapshot;
  requires com.fasterxml.jackson.databind;
  requires static org.jspecify;

  // exports dev.strata.build;
  exports dev.strata.build.runtime;
}
