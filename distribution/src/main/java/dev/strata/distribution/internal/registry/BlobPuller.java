package dev.strata.distribution.internal.registry;

import dev.strata.core.oci.Descriptor;
import dev.strata.core.transfer.ImageSource.BlobStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;

/**
 * {@code GET /v2/NAME/blobs/DIGEST}, from an offset with {@code Range: bytes=OFFSET-}. A registry
 * (or the storage it redirects to) that answers 200 instead of 206 sends the whole blob: the
 * stream then starts at 0 and says so.
 */
public final class BlobPuller {
  private final RegistryClient client;

  /** Pulls blobs through {@code client}. */
  public BlobPuller(RegistryClient client) {
    this.client = client;
  }

  /** Opens {@code blob} at {@code offset} (or at 0 when the registry ignores the range). */
  public BlobStream open(Descriptor blob, long offset) throws IOException {
    Request request = Request.get(client.repositoryUri("blobs/" + blob.digest()), client.pullScope());
    if (offset > 0) {
      request = request.withHeader("Range", "bytes=" + offset + "-");
    }
    HttpResponse<InputStream> r = client.send(request);
    if (offset > 0 && r.statusCode() == 206 && startsAt(r, offset)) {
      return new BlobStream(r.body(), offset);
    }
    if (r.statusCode() == 200) {
      return new BlobStream(r.body(), 0);
    }
    if (offset > 0 && r.statusCode() == 416) {
      // the range starts at or past the end: the ingest already has every byte
      RegistryClient.discard(r);
      return new BlobStream(InputStream.nullInputStream(), offset);
    }
    if (offset > 0 && r.statusCode() == 206) {
      RegistryClient.discard(r);
      return open(blob, 0);
    }
    throw client.failure(r, "pull", "blob " + blob.digest());
  }

  private static boolean startsAt(HttpResponse<?> r, long offset) {
    // Content-Range: bytes START-END/TOTAL
    String range = r.headers().firstValue("Content-Range").orElse("");
    return range.startsWith("bytes " + offset + "-");
  }
}
