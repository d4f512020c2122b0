package dev.strata.distribution.internal.pull;

import dev.strata.core.Storage;
import dev.strata.core.content.ContentStore;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.GcLabels;
import dev.strata.core.image.Image;
import dev.strata.core.image.NewImage;
import dev.strata.core.lease.LeaseManager;
import dev.strata.core.lease.LeaseResource;
import dev.strata.core.oci.Descriptor;
import dev.strata.core.oci.ImageIndex;
import dev.strata.core.oci.Manifest;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.OciJson;
import dev.strata.core.oci.Platform;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.transfer.ImageSource;
import dev.strata.distribution.PullOptions;
import dev.strata.distribution.PullResult;
import dev.strata.distribution.RetryPolicy;
import dev.strata.distribution.internal.registry.Backoff;
import dev.strata.distribution.internal.registry.RegistrySource;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One pull: resolve, walk the index or manifest, fetch children before parents under a lease,
 * commit each manifest and index with the GC labels of its children, record the image, drop the
 * lease (kept on failure, so what was committed survives a collection until a retry; it expires).
 */
public final class PullJob {
  /** Label on a pull's lease naming what is pulled. */
  public static final String LEASE_LABEL = "strata.pull.source";

  private static final Duration LEASE_EXPIRY = Duration.ofHours(1);
  private static final int MAX_DEPTH = 8;

  private final Storage storage;
  private final ContentStore content;
  private final LeaseManager leases;
  private final ImageSource source;
  private final PullOptions options;
  private final BlobFetcher fetcher;
  private final Map<String, String> sourceLabels;
  private String leaseId = "";
  private int fetched;
  private int present;

  /** A pull from {@code source} into {@code storage}. */
  public PullJob(Storage storage, ImageSource source, PullOptions options) {
    this.storage = storage;
    this.content = storage.content();
    this.leases = storage.leases();
    this.source = source;
    this.options = options;
    Backoff backoff =
        source instanceof RegistrySource r ? r.client().backoff() : new Backoff(RetryPolicy.defaults());
    this.fetcher = new BlobFetcher(content, source, backoff, options.listener());
    this.sourceLabels = source.blobLabels();
  }

  /** Runs the pull and records the image as {@code name}. */
  public PullResult run(String name) throws IOException {
    // resolving writes nothing, so a reference that does not resolve leaves no lease behind
    Descriptor root = source.resolve();
    boolean ownLease = options.lease().isEmpty();
    leaseId = options.lease().orElse("pull-" + UUID.randomUUID());
    if (ownLease) {
      String label = source.describe();
      leases.create(leaseId, LEASE_EXPIRY, Map.of(LEASE_LABEL, label.length() > 1024 ? label.substring(0, 1024) : label));
    } else {
      leases.get(leaseId);
    }
    ExecutorService pool = Executors.newFixedThreadPool(options.jobs(), Thread.ofVirtual().factory());
    try {
      copy(root, pool, 0);
    } finally {
      pool.shutdownNow();
    }
    Image image = storage.images().putAll(List.of(new NewImage(name, root))).getFirst();
    if (ownLease) {
      leases.delete(leaseId);
    }
    return new PullResult(image, fetched, present, fetcher.bytes.get());
  }

  private void copy(Descriptor d, ExecutorService pool, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new dev.strata.core.oci.MalformedContentException(d.digest().toString(), "indexes nest deeper than " + MAX_DEPTH + " at " + d.digest());
    }
    protect(d);
    byte[] bytes = manifestBytes(d);
    if (MediaTypes.isIndex(d.mediaType())) {
      ImageIndex index = ImageIndex.parse(bytes, d.mediaType(), d.digest().toString());
      List<Descriptor> wanted = select(index, d);
      for (Descriptor child : wanted) {
        copy(child, pool, depth + 1);
      }
      commitJson(d, bytes, GcLabels.forIndex(index.manifests().stream().map(Descriptor::digest).toList()));
      return;
    }
    Manifest manifest = Manifest.parse(bytes, d.mediaType(), d.digest().toString());
    options.manifests().fetching(d, manifest);
    List<Descriptor> blobs = new ArrayList<>();
    blobs.add(manifest.config());
    blobs.addAll(manifest.layers());
    for (Descriptor b : blobs) {
      protect(b);
    }
    List<Future<Boolean>> jobs = new ArrayList<>();
    for (Descriptor b : blobs.stream().distinct().toList()) {
      jobs.add(pool.submit(() -> fetcher.fetch(b, sourceLabels)));
    }
    for (Future<Boolean> job : jobs) {
      count(await(job));
    }
    commitJson(d, bytes, GcLabels.forManifest(manifest.config().digest(), manifest.layers().stream().map(Descriptor::digest).toList()));
  }

  /** The entries of {@code index} for the asked platforms; an error naming the others if none. */
  private List<Descriptor> select(ImageIndex index, Descriptor d) {
    PlatformMatcher matcher = options.platforms();
    List<Descriptor> wanted = index.manifests().stream().filter(m -> matcher.matches(m.platform())).toList();
    // entries without a platform (attestations, artifacts) are followed but are no image by themselves
    boolean anyPlatform = index.manifests().stream().anyMatch(m -> m.platform().isPresent());
    boolean hasImage = !anyPlatform || wanted.stream().anyMatch(m -> m.platform().isPresent());
    if (wanted.isEmpty() || !hasImage) {
      List<String> available = index.manifests().stream().flatMap(m -> m.platform().stream()).map(Platform::toString).distinct().toList();
      throw new NotFoundException(
          source.describe(),
          source.describe() + " (index " + d.digest() + ") has no image for " + matcher + "; it has " + (available.isEmpty() ? "none" : String.join(", ", available)));
    }
    return wanted;
  }

  private byte[] manifestBytes(Descriptor d) throws IOException {
    if (content.exists(d.digest())) {
      try (InputStream in = content.open(d.digest())) {
        return OciJson.readBounded(in, d.digest().toString());
      }
    }
    return source.manifest(d);
  }

  private void commitJson(Descriptor d, byte[] bytes, Map<String, String> gcLabels) throws IOException {
    Map<String, String> labels = new HashMap<>(gcLabels);
    labels.putAll(sourceLabels);
    count(fetcher.fetchBytes(d, bytes, labels));
  }

  private void protect(Descriptor d) throws IOException {
    leases.addResource(leaseId, LeaseResource.content(d.digest()));
    leases.addResource(leaseId, LeaseResource.ingest(fetcher.ref(d.digest())));
  }

  private void count(boolean wasFetched) {
    if (wasFetched) {
      fetched++;
    } else {
      present++;
    }
  }

  private static boolean await(Future<Boolean> job) throws IOException {
    try {
      return job.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("pull interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    }
  }
}
