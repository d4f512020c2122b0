package dev.strata.core;

import dev.strata.core.content.ContentStore;
import dev.strata.core.image.ImageStore;
import dev.strata.core.internal.content.ContentResources;
import dev.strata.core.internal.content.LmdbContentStore;
import dev.strata.core.internal.image.ImageResources;
import dev.strata.core.internal.image.LmdbImageStore;
import dev.strata.core.internal.lease.LeaseResources;
import dev.strata.core.internal.lease.LmdbLeaseManager;
import dev.strata.core.internal.lmdb.Lmdb;
import dev.strata.core.lease.LeaseManager;
import dev.strata.linux.PrivateDirectories;
import dev.strata.core.spi.Metadata;
import dev.strata.core.spi.ResourceOwner;
import dev.strata.core.spi.StoreAccess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One strata store root: the LMDB environment that holds all metadata, and the services built on
 * it. Open one per root and process, share it between threads, close it when done.
 *
 * <h2>On disk</h2>
 *
 * <pre>
 * ROOT/meta/             LMDB environment (data.mdb, lock.mdb): every row of metadata, small blobs
 * ROOT/blobs/ALG/HEX     blobs larger than the inline threshold, one immutable file each
 * ROOT/ingest/HASH       data of ingests in progress, named by the sha256 of their ref
 * ROOT/trash/            blob files being deleted; emptied on open
 * ROOT/quarantine/       corrupt blobs set aside by fsck
 * ROOT/snapshots/        the snapshot backends' trees
 * ROOT/run/              locks and mount state of running processes
 * </pre>
 *
 * <p>The root is 0711 and each of these 0700.
 *
 * <p>Several processes may open the same root at once; LMDB's lock file and per-ingest file locks
 * keep them consistent.
 *
 * <pre>{@code
 * try (Storage storage = Storage.open(StorageConfig.at(Path.of("/var/lib/strata")))) {
 *   ContentStore content = storage.content();
 *   ...
 * }
 * }</pre>
 */
public final class Storage implements AutoCloseable {
  static {
    // strata's other modules reach the environment and the owners through the store SPI, so
    // that this public type exposes neither
    StoreAccess.install(new StoreAccess.Bridge() {
      @Override
      public Metadata metadata(Storage storage) {
        return storage.lmdb;
      }

      @Override
      public List<ResourceOwner> owners(Storage storage) {
        return storage.owners;
      }
    });
  }

  private final StorageConfig config;
  private final Lmdb lmdb;
  private final LmdbContentStore content;
  private final LmdbImageStore images;
  private final LmdbLeaseManager leases;
  private final List<ResourceOwner> owners;

  private Storage(StorageConfig config, Lmdb lmdb, LmdbContentStore content) throws IOException {
    this.config = config;
    this.lmdb = lmdb;
    this.content = content;
    this.images = LmdbImageStore.open(lmdb, config.clock());
    this.leases = LmdbLeaseManager.open(lmdb, config.clock(), config.root().resolve("run").resolve("leases"));
    LeaseResources leaseOwner = new LeaseResources(leases, content.maintenance());
    this.owners = List.of(new ContentResources(content, leaseOwner::abandonedIngests), new ImageResources(images), leaseOwner);
  }

  /**
   * Opens the store at {@code config.root()}, creating it when absent, and finishes any blob
   * deletion a crash interrupted. The root is made (or tightened to) 0711 and each tree under it
   * 0700, whatever the umask, so no other local user reaches a blob, the metadata or a snapshot.
   */
  public static Storage open(StorageConfig config) throws IOException {
    PrivateDirectories.prepareRoot(config.root());
    Lmdb lmdb = Lmdb.open(config.root().resolve("meta"));
    try {
      return new Storage(config, lmdb, LmdbContentStore.open(config, lmdb));
    } catch (IOException | RuntimeException e) {
      lmdb.close();
      throw e;
    }
  }

  /** Opens a store with default settings at {@code root}. */
  public static Storage open(Path root) throws IOException {
    return open(StorageConfig.at(root));
  }

  /** The configuration this store was opened with. */
  public StorageConfig config() {
    return config;
  }

  /** The content store. */
  public ContentStore content() {
    return content;
  }

  /** The image records. */
  public ImageStore images() {
    return images;
  }

  /** The leases that protect work in progress from garbage collection. */
  public LeaseManager leases() {
    return leases;
  }

  /** Closes the store; open writers and readers must be closed first. Closing twice is a no-op. */
  @Override
  public void close() {
    content.close();
    lmdb.close();
  }
}
