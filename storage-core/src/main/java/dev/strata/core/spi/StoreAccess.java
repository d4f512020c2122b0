package dev.strata.core.spi;

import dev.strata.core.Storage;
import java.util.List;
import java.util.Objects;

/**
 * The door from a {@link Storage} to its SPI side, for strata's own modules: the shared {@link
 * Metadata} environment and the {@link ResourceOwner}s of storage-core (content, images, leases).
 * {@link Storage}'s public API exposes none of these types.
 */
public final class StoreAccess {
  /** What {@link Storage} hands over; installed once, when {@link Storage} is initialized. */
  public interface Bridge {
    /** The metadata environment of {@code storage}. */
    Metadata metadata(Storage storage);

    /** The owners of {@code storage}: content, images, leases, in that order. */
    List<ResourceOwner> owners(Storage storage);
  }

  private static volatile Bridge bridge;

  private StoreAccess() {}

  /** Installs the bridge; only {@link Storage} calls it, once. */
  public static void install(Bridge storageBridge) {
    if (bridge != null) {
      throw new IllegalStateException("the store's SPI bridge is installed already");
    }
    bridge = Objects.requireNonNull(storageBridge);
  }

  /** The metadata environment of {@code storage}, shared by every owner of resources in it. */
  public static Metadata metadata(Storage storage) {
    return bridge(storage).metadata(storage);
  }

  /** The owners of resources of {@code storage} itself: content, images and leases. */
  public static List<ResourceOwner> owners(Storage storage) {
    return bridge(storage).owners(storage);
  }

  private static Bridge bridge(Storage storage) {
    Objects.requireNonNull(storage, "storage"); // an instance exists, so Storage is initialized
    return bridge;
  }
}
