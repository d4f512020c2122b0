/**
 * strata's distribution: references, the registry client (OCI distribution-spec v1.1 over the
 * JDK's HttpClient), credentials, and the copier that pulls images into a store; a push runs
 * storage-core's copier with the registry's destination. Exports its API packages only.
 */
module dev.strata.distribution {
  requires transitive dev.strata.core;
  requires java.net.http;
  requires com.fasterxml.jackson.databind;
  requires static org.jspecify;

  exports dev.strata.distribution;
  exports dev.strata.distribution.auth;
}
