package dev.strata.distribution.internal.registry;

import dev.strata.core.oci.Descriptor;
import dev.strata.core.transfer.ImageDestination.BlobOpener;
import dev.strata.distribution.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Uploads a blob (distribution-spec "pushing blobs"): {@code POST /v2/NAME/blobs/uploads/} opens a
 * session; a blob of at most {@link #chunkSize} bytes goes in one {@code PUT ?digest=}, a larger
 * one in {@code PATCH} chunks with {@code Content-Range}, closed by an empty {@code PUT ?digest=}.
 * When a chunk fails the session's status ({@code GET} on its location, header {@code Range:
 * 0-LAST}) says where to go on, so only the missing bytes are sent again; when the registry has
 * dropped the session, a new one starts at 0.
 */
public final class BlobPusher {
  /** Chunks of 16 MiB: large enough to cost few round trips; each streams from the store. */
  public static final int DEFAULT_CHUNK = 16 << 20;

  private static final int MAX_RESUMES = 5;

  private final RegistryClient client;
  private final int chunkSize;

  /** Pushes blobs through {@code client} in chunks of {@code chunkSize} bytes. */
  public BlobPusher(RegistryClient client, int chunkSize) {
    this.client = client;
    this.chunkSize = chunkSize;
  }

  /** Uploads {@code blob}, reading it through {@code opener}. */
  public void push(Descriptor blob, BlobOpener opener) throws IOException {
    URI location = start();
    if (blob.size() <= chunkSize) {
      Request put =
          new Request("PUT", withDigest(location, blob), Map.of("Content-Type", "application/octet-stream"), Optional.empty(), client.pushScope(), "push")
              .withBody("PUT", () -> sized(opener, blob.size()));
      finish(client.send(put), blob);
      return;
    }
    long offset = 0;
    int resumes = 0;
    try (Cursor source = new Cursor(opener)) {
      while (offset < blob.size()) {
        long len = Math.min(chunkSize, blob.size() - offset);
        long start = offset;
        Map<String, String> headers = Map.of("Content-Type", "application/octet-stream", "Content-Range", start + "-" + (start + len - 1));
        Request patch =
            new Request("PATCH", location, headers, Optional.empty(), client.pushScope(), "push")
                .withBody("PATCH", () -> HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> source.chunk(start, len)), len));
        HttpResponse<InputStream> r = trySend(patch);
        if (r != null && r.statusCode() == 202) {
          RegistryClient.discard(r);
          location = RegistryClient.location(location, r);
          offset += len;
          continue;
        }
        if (r != null) {
          RegistryClient.discard(r);
        }
        if (++resumes > MAX_RESUMES) {
          throw new RegistryException(
              client.reference().registry(), client.reference().repository(), "upload of " + blob.digest() + " kept failing at offset " + start);
        }
        UploadStatus status = statusOrRestart(location);
        location = status.location;
        offset = status.next;
      }
    }
    Request close =
        new Request("PUT", withDigest(location, blob), Map.of(), Optional.empty(), client.pushScope(), "push")
            .withBody("PUT", HttpRequest.BodyPublishers::noBody);
    finish(client.send(close), blob);
  }

  /** Sends a chunk; a failure after the client's own retries is answered by asking for status. */
  private @Nullable HttpResponse<InputStream> trySend(Request patch) throws IOException {
    try {
      return client.send(patch);
    } catch (RegistryException e) {
      return null;
    }
  }

  private record UploadStatus(URI location, long next) {}

  /**
   * The blob read once, front to back, across its chunks, so no chunk is held in memory: each
   * chunk's body is a view of the next {@code len} bytes. A chunk sent again (a retry, a resume at
   * the registry's offset) finds the cursor elsewhere and reopens the blob at the chunk's start.
   */
  private static final class Cursor implements AutoCloseable {
    private final BlobOpener opener;
    private @Nullable InputStream in;
    private long position;

    Cursor(BlobOpener opener) {
      this.opener = opener;
    }

    /** A view of the blob's bytes {@code start} to {@code start + len}; closing it keeps the blob open. */
    synchronized InputStream chunk(long start, long len) {
      try {
        if (in == null || position != start) {
          close();
          in = opener.open(start);
          position = start;
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return new InputStream() {
        private long left = len;

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int n) throws IOException {
          if (left == 0) {
            return -1;
          }
          int got = Cursor.this.read(b, off, (int) Math.min(n, left));
          if (got < 0) {
            throw new IOException("blob ended at " + position + ", inside the chunk ending at " + (start + len));
          }
          left -= got;
          return got;
        }
      };
    }

    private synchronized int read(byte[] b, int off, int n) throws IOException {
      int got = java.util.Objects.requireNonNull(in).read(b, off, n);
      if (got > 0) {
        position += got;
      }
      return got;
    }

    @Override
    public synchronized void close() throws IOException {
      if (in != null) {
        in.close();
        in = null;
      }
    }
  }

  /**
   * Where the session stands; a session the registry no longer knows is replaced by a new one at
   * 0 (docker-registry cancels a session whose state token is stale, as after a lost response).
   */
  private UploadStatus statusOrRestart(URI location) throws IOException {
    try {
      return status(location);
    } catch (dev.strata.core.error.StrataException e) {
      return new UploadStatus(start(), 0);
    }
  }

  private UploadStatus status(URI location) throws IOException {
    HttpResponse<InputStream> r = client.send(Request.get(location, client.pushScope()));
    RegistryClient.discard(r);
    if (r.statusCode() != 204) {
      throw client.failure(r, "push", "upload " + location.getPath());
    }
    String range = r.headers().firstValue("Range").orElse("0-0");
    long last = Long.parseLong(range.substring(range.indexOf('-') + 1).strip());
    // docker-registry answers 0-0 for an empty session and 0-N for N+1 bytes received
    long next = range.equals("0-0") ? 0 : last + 1;
    return new UploadStatus(RegistryClient.location(location, r), next);
  }

  /** Opens an upload session and returns its location. */
  URI start() throws IOException {
    Request post = new Request("POST", client.repositoryUri("blobs/uploads/"), Map.of(), Optional.empty(), client.pushScope(), "push")
        .withBody("POST", HttpRequest.BodyPublishers::noBody);
    HttpResponse<InputStream> r = client.send(post);
    if (r.statusCode() != 202) {
      throw client.failure(r, "push", "upload session");
    }
    RegistryClient.discard(r);
    return RegistryClient.location(post.uri(), r);
  }

  private void finish(HttpResponse<InputStream> r, Descriptor blob) throws IOException {
    if (r.statusCode() != 201) {
      throw client.failure(r, "push", "blob " + blob.digest());
    }
    RegistryClient.discard(r);
  }

  static URI withDigest(URI location, Descriptor blob) {
    String s = location.toString();
    return URI.create(s + (s.contains("?") ? "&" : "?") + "digest=" + blob.digest());
  }

  private static HttpRequest.BodyPublisher sized(BlobOpener opener, long size) {
    if (size == 0) {
      return HttpRequest.BodyPublishers.noBody();
    }
    HttpRequest.BodyPublisher stream =
        HttpRequest.BodyPublishers.ofInputStream(
            () -> {
              try {
                return opener.open(0);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    return HttpRequest.BodyPublishers.fromPublisher(stream, size);
  }
}
