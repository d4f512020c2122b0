package dev.strata.core.spi;

/**
 * What a {@link ResourceOwner} reports its part of the store into, inside the collector's read
 * transaction. Calls may come in any order and name resources of other owners; a resource exists
 * when its own owner declared it with {@link #root} or {@link #collectable}.
 */
public interface GraphBuilder {
  /**
   * Declares {@code resource}, owned by the reporting owner, as a root: kept, with all it reaches.
   * A root may also be {@linkplain #collectable collectable} (a labelled blob): it is kept while
   * it is a root.
   */
  void root(Resource resource);

  /**
   * Declares {@code resource}, owned by the reporting owner, as collectable: the collector asks
   * its owner to {@linkplain ResourceOwner#sweep sweep} it when no root reaches it. {@code bytes}
   * is what it costs on disk as recorded at write time (0 when unknown); du adds these.
   */
  void collectable(Resource resource, long bytes);

  /**
   * An edge that must resolve: {@code from} needs {@code to} (an image its target, a manifest its
   * layers, a config its unpacked snapshot, a snapshot its parent). Whatever {@code from} reaches,
   * {@code to} is kept.
   */
  void reference(Resource from, Resource to);

  /**
   * An edge that may name what does not exist yet: a lease protects {@code to}, which work in
   * progress may not have written. fsck never reports it as dangling.
   */
  void protects(Resource from, Resource to);
}
