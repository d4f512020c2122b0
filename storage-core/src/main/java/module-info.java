/**
 * strata's storage core: digests, the OCI model, the LMDB content store, image records, leases
 * and image import/export. Depends on no other strata module.
 */
@SuppressWarnings({"module", "requires-automatic"}) // SPI exports name strata modules built later; zstd-jni and commons-compress have no descriptor
module dev.strata.core {
  requires dev.strata.linux;
  requires org.bouncycastle.provider;
  // OciJson hands out Jackson trees: readers of the OCI model get the module with it
  requires transitive com.fasterxml.jackson.databind;
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

  // The store SPI: the shared metadata environment and the owners of resources, for the
  // snapshot backends (which keep their rows beside content) and the collector, fsck and du.
  exports dev.strata.core.spi to
      dev.strata.snapshot,
      dev.strata.gc,
      dev.strata.fuse;
  // The one door for opening gzip / zstd / plain layer streams (ISA-L inflate where loaded).
  exports dev.strata.core.compress to
      dev.strata.overlay;
}
