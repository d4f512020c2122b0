package dev.strata.gc;

import dev.strata.testkit.Capabilities;
import static dev.strata.snapshot.testing.TestImages.layer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.ContentWriter;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.content.ReadOption;
import dev.strata.core.digest.Digest;
import dev.strata.core.image.Image;
import dev.strata.core.lease.LeaseResource;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.Manifest;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.testing.MutableClock;
import dev.strata.snapshot.SnapshotInfo;
import dev.strata.snapshot.SnapshotKind;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.overlayfs.OverlayfsSnapshotter;
import dev.strata.snapshot.testing.TestImages;
import dev.strata.snapshot.unpack.Unpacker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random sequences of import, tag, untag, unpack, prepare, commit, remove, ingest, lease create
 * and expiry, and gc, run against the real store and against a small reference model of
 * reachability. After every gc, exactly what the model calls unreachable is gone, and every
 * reachable blob still reads back intact.
 */
class GarbageCollectorModelTest {
  private static final List<Map<String, String>> LAYER_POOL =
      List.of(
          layer("base/", "", "base/os", "debian"),
          layer("usr/", "", "usr/app", "v1"),
          layer("usr/", "", "usr/app", "v2"),
          layer("etc/", "", "etc/conf", "x"),
          layer("etc/.wh.conf", ""));

  /** What the model knows of one image name. */
  private record ImageModel(Set<Digest> blobs, Digest config) {}

  private final Map<String, ImageModel> images = new HashMap<>();
  private final Map<Digest, String> unpackedTop = new HashMap<>(); // config -> top chain id
  private final Set<String> userActive = new HashSet<>();
  private final Map<String, Instant> leaseExpiry = new HashMap<>();
  private final Map<String, List<LeaseResource>> leaseResources = new HashMap<>();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Property(tries = 10)
  void gcRemovesExactlyTheUnreachable(@ForAll long seed) throws IOException {
    Capabilities.requireRoot("mounts");
    images.clear(); // jqwik may reuse this instance between tries
    unpackedTop.clear();
    userActive.clear();
    leaseExpiry.clear();
    leaseResources.clear();
    Random random = new Random(seed);
    Path root = Files.createTempDirectory("gc-model");
    try (Storage storage = Storage.open(StorageConfig.at(root).withClock(clock));
        Snapshotter snapshots = OverlayfsSnapshotter.open(storage)) {
      GarbageCollector gc = new GarbageCollector(storage, List.of(snapshots));
      for (int step = 0; step < 60; step++) {
        act(random, storage, snapshots, gc, step);
      }
      check(storage, snapshots, gc);
    } finally {
      try (var paths = Files.walk(root)) { // deepest first; the store holds no symlinks out
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private void act(Random random, Storage storage, Snapshotter snapshots, GarbageCollector gc, int step) throws IOException {
    List<String> names = new ArrayList<>(new TreeSet<>(images.keySet()));
    switch (random.nextInt(10)) {
      case 0, 1 -> {
        String name = "example.com/img" + random.nextInt(4) + ":" + step;
        List<Map<String, String>> layers = new ArrayList<>();
        for (int i = 0; i <= random.nextInt(3); i++) {
          layers.add(LAYER_POOL.get(random.nextInt(LAYER_POOL.size())));
        }
        Descriptor manifest = TestImages.create(storage, name, layers);
        images.put(name, modelOf(storage, manifest));
      }
      case 2 -> {
        if (!names.isEmpty()) {
          String src = names.get(random.nextInt(names.size()));
          String dst = "example.com/tagged:" + step;
          storage.images().tag(src, dst);
          images.put(dst, images.get(src));
        }
      }
      case 3 -> {
        if (!names.isEmpty()) {
          String victim = names.get(random.nextInt(names.size()));
          storage.images().delete(victim);
          images.remove(victim);
        }
      }
      case 4 -> {
        if (!names.isEmpty()) {
          String name = names.get(random.nextInt(names.size()));
          String top = new Unpacker(storage, snapshots).unpack(name, PlatformMatcher.host()).topChainId().toString();
          unpackedTop.put(images.get(name).config(), top);
        }
      }
      case 5 -> {
        List<String> committed = committedNames(snapshots);
        Optional<String> parent = committed.isEmpty() || random.nextBoolean() ? Optional.empty() : Optional.of(committed.get(random.nextInt(committed.size())));
        String key = "user-" + step;
        snapshots.prepare(key, parent);
        userActive.add(key);
      }
      case 6 -> {
        if (!userActive.isEmpty()) {
          String key = new TreeSet<>(userActive).first();
          userActive.remove(key);
          if (random.nextBoolean()) {
            snapshots.commit("user-layer-" + step, key, Map.of()); // committed: no longer a root
          } else {
            snapshots.remove(key);
          }
        }
      }
      case 7 -> {
        byte[] bytes = ("orphan " + step).getBytes();
        try (ContentWriter w = storage.content().writer("o-" + step)) {
          w.write(bytes, 0, bytes.length);
          w.commit(bytes.length, Digest.sha256(bytes));
        }
        if (random.nextBoolean()) {
          String id = "lease-" + step;
          storage.leases().create(id, Duration.ofMinutes(10), Map.of());
          LeaseResource resource = LeaseResource.content(Digest.sha256(bytes));
          storage.leases().addResource(id, resource);
          leaseExpiry.put(id, clock.instant().plus(Duration.ofMinutes(10)));
          leaseResources.put(id, List.of(resource));
        }
      }
      case 8 -> clock.advance(Duration.ofMinutes(6));
      default -> check(storage, snapshots, gc);
    }
  }

  private static ImageModel modelOf(Storage storage, Descriptor manifestDescriptor) throws IOException {
    byte[] bytes;
    try (InputStream in = storage.content().open(manifestDescriptor.digest())) {
      bytes = in.readAllBytes();
    }
    Manifest manifest = Manifest.parse(bytes, manifestDescriptor.mediaType(), manifestDescriptor.digest().toString());
    Set<Digest> blobs = new HashSet<>();
    blobs.add(manifestDescriptor.digest());
    manifest.references().forEach(d -> blobs.add(d.digest()));
    return new ImageModel(blobs, manifest.config().digest());
  }

  /** Runs gc and compares the store with the model. */
  private void check(Storage storage, Snapshotter snapshots, GarbageCollector gc) throws IOException {
    Set<String> liveLeases =
        leaseExpiry.entrySet().stream().filter(e -> e.getValue().isAfter(clock.instant())).map(Map.Entry::getKey).collect(Collectors.toSet());
    Set<String> reachableBlobs = new HashSet<>();
    Set<String> reachableSnapshots = new HashSet<>();
    for (Image image : storage.images().list()) {
      ImageModel model = images.get(image.name());
      assertThat(model).as("model knows image %s", image.name()).isNotNull();
      model.blobs().forEach(d -> reachableBlobs.add(d.toString()));
      Optional.ofNullable(unpackedTop.get(model.config())).ifPresent(top -> addChain(snapshots, top, reachableSnapshots));
    }
    for (String id : liveLeases) {
      leaseResources.getOrDefault(id, List.of()).forEach(r -> reachableBlobs.add(r.id()));
    }
    for (String key : userActive) {
      addChain(snapshots, key, reachableSnapshots);
    }

    Set<String> blobsBefore = storage.content().list(LabelFilter.all()).stream().map(i -> i.digest().toString()).collect(Collectors.toSet());
    Set<String> snapshotsBefore = snapshots.walk(LabelFilter.all()).stream().map(SnapshotInfo::name).collect(Collectors.toSet());
    assertThat(blobsBefore).containsAll(reachableBlobs);
    assertThat(snapshotsBefore).containsAll(reachableSnapshots);

    gc.collect(GcMode.COLLECT);

    assertThat(storage.content().list(LabelFilter.all()).stream().map(i -> i.digest().toString()).collect(Collectors.toSet()))
        .isEqualTo(reachableBlobs);
    assertThat(snapshots.walk(LabelFilter.all()).stream().map(SnapshotInfo::name).collect(Collectors.toSet()))
        .isEqualTo(reachableSnapshots);
    assertThat(storage.leases().list().stream().map(l -> l.id()).collect(Collectors.toSet())).isEqualTo(liveLeases);
    for (ContentInfo info : storage.content().list(LabelFilter.all())) {
      try (InputStream in = storage.content().open(info.digest(), ReadOption.VERIFY)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
    }
    leaseExpiry.keySet().retainAll(liveLeases);
    // the unpack label lives on the config blob: gone with it, even if the chain lives on
    unpackedTop.keySet().retainAll(reachableBlobs.stream().map(Digest::parse).collect(Collectors.toSet()));
    unpackedTop.values().removeIf(top -> !reachableSnapshots.contains(top));
  }

  private static void addChain(Snapshotter snapshots, String key, Set<String> into) {
    Optional<String> next = Optional.of(key);
    while (next.isPresent()) {
      into.add(next.get());
      try {
        next = snapshots.stat(next.get()).parent();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private static List<String> committedNames(Snapshotter snapshots) throws IOException {
    return snapshots.walk(LabelFilter.all()).stream().filter(s -> s.kind() == SnapshotKind.COMMITTED).map(SnapshotInfo::name).sorted().toList();
  }
}
