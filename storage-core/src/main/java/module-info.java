/**
 * strata's storage core: digests, the OCI model, the LMDB content store, image records, leases
 * and image import/export. Depends on no other strata module.
 */
module dev.strata.core {
  requires lmdbjava;
  requires org.bouncycastle.provider;
  requires com.fasterxml.jackson.databind;
  requires org.apache.commons.compress;
  requires com.github.luben.zstd_jni;
  requires static org.jspecify;

  exports dev.strata.core;
  exports dev.strata.core.content;
  exports dev.strata.core.digest;
  exports dev.strata.core.error;
  exports dev.strata.core.oci;
  exports dev.strata.core.image;
  exports dev.strata.core.lease;
  exports dev.strata.core.transfer;

  // The snapshotter's metastore and the collector share the store's LMDB environment, so that
  // one read transaction sees content, images and snapshots together.
  exports dev.strata.core.internal.lmdb to
      dev.strata.snapshot,
      dev.strata.gc;
  exports dev.strata.core.internal.posix to
      dev.strata.overlay,
      dev.strata.snapshot,
      dev.strata.fuse;
  // The collector reads and sweeps every table inside its own transactions.
  exports dev.strata.core.internal.content to
      dev.strata.gc;
  exports dev.strata.core.internal.image to
      dev.strata.gc;
  exports dev.strata.core.internal.lease to
      dev.strata.gc;
}
