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

  // The snapshotter's metastore and the collector share the store's LMDB environment, so that
  // one read transaction sees content, images and snapshots together.
  exports dev.strata.core.internal.lmdb to
      dev.strata.snapshot,
      dev.strata.gc;
  exports dev.strata.core.internal.posix to
      dev.strata.snapshot;
}
