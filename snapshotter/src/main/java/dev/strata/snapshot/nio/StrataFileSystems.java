package dev.strata.snapshot.nio;

import dev.strata.core.Storage;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.Image;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.overlay.nio.UnionFileSystems;
import dev.strata.overlay.union.UnionView;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.spi.SnapshotBackend;
import dev.strata.snapshot.unpack.Unpacker;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.util.Optional;

/**
 * Opens an image or a committed snapshot as a read-only java.nio {@link FileSystem} (URI scheme
 * {@code strata}): the union of the snapshot chain's layer directories, read in place, with no
 * mount and no root.
 *
 * <pre>{@code
 * try (FileSystem fs = StrataFileSystems.open(storage, "debian:12")) {
 *   String release = Files.readString(fs.getPath("/etc/os-release"));
 * }
 * }</pre>
 *
 * <p>The file system reads the snapshot directories while it is open: keep the image (or the
 * snapshot, under a lease) from garbage collection until it is closed.
 */
public final class StrataFileSystems {
  private StrataFileSystems() {}

  /**
   * Opens {@code name}, an image (unpacked first, into the default backend, for this machine's
   * platform, when it is not yet: that writes snapshots into the store) or else the key of a
   * committed snapshot of the default backend.
   *
   * @throws NotFoundException when {@code name} is neither an image nor a snapshot
   * @throws FailedPreconditionException when the snapshot is not committed
   */
  public static FileSystem open(Storage storage, String name) throws IOException {
    return open(storage, name, Snapshotters.DEFAULT, PlatformMatcher.host());
  }

  /**
   * Opens {@code name} (an image, unpacked for {@code platform} as needed, or a committed snapshot
   * key) from the backend {@code snapshotter}.
   *
   * @throws NotFoundException when {@code name} is neither an image nor a snapshot
   * @throws FailedPreconditionException when the snapshot is not committed
   * @throws InvalidArgumentException when there is no backend {@code snapshotter}
   */
  public static FileSystem open(Storage storage, String name, String snapshotter, PlatformMatcher platform)
      throws IOException {
    return UnionFileSystems.open(openView(storage, name, snapshotter, platform), name);
  }

  /**
   * The union view under {@link #open(Storage, String, String, PlatformMatcher)}'s file system,
   * for readers that want its entries themselves (an export of the tree as a tar); the caller
   * closes it. Same rules and errors as {@code open}.
   */
  public static UnionView openView(Storage storage, String name, String snapshotter, PlatformMatcher platform)
      throws IOException {
    try (Snapshotter snapshots = Snapshotters.open(storage, snapshotter)) {
      SnapshotBackend backend = SnapshotBackend.of(snapshots);
      String key = image(storage, name).isPresent()
          ? new Unpacker(storage, snapshots).unpack(name, platform).topChainId().toString()
          : name;
      return backend.union(key);
    }
  }

  /** The image {@code name}, or empty when there is none or {@code name} cannot name one (a chain ID). */
  private static Optional<Image> image(Storage storage, String name) throws IOException {
    try {
      return storage.images().find(name);
    } catch (InvalidArgumentException e) {
      return Optional.empty();
    }
  }
}
