/**
 * strata's storage core: digests, the OCI model and the LMDB content store. Depends on no other
 * strata module.
 */
module dev.strata.core {
  requires lmdbjava;
  requires org.bouncycastle.provider;
  requires com.fasterxml.jackson.databind;
  requires static org.jspecify;

  exports dev.strata.core;
  exports dev.strata.core.content;
  exports dev.strata.core.digest;
  exports dev.strata.core.error;
  exports dev.strata.core.oci;
}
