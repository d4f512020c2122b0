/**
 * strata's overlay module: layer changesets (apply a layer into a tree, diff two trees into a
 * layer) and the union view of a layer stack.
 */
@SuppressWarnings("requires-automatic") // zstd-jni and commons-compress have no module descriptor
module dev.strata.overlay {
  requires transitive dev.strata.core;
  requires dev.strata.linux;
  requires com.github.luben.zstd_jni;
  requires org.apache.commons.compress;
  requires static org.jspecify;

  exports dev.strata.overlay;
  exports dev.strata.overlay.changeset;
  exports dev.strata.overlay.tree;
  exports dev.strata.overlay.union;
  exports dev.strata.overlay.nio;
}
