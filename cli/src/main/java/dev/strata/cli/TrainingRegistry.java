package dev.strata.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of the OCI distribution-spec, in memory on a loopback port, for {@link AotTraining}
 * to push an image and pull it back: the version check, blob and manifest HEAD/GET/PUT, and
 * upload sessions (POST, PATCH, PUT with {@code ?digest=}). No auth, no checks, no ranges (a
 * ranged GET gets the whole blob, which the client handles). Not a registry to test against:
 * the tests use the real docker-registry.
 */
final class TrainingRegistry implements AutoCloseable {
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[0-9a-f]{64})");
  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
  private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([^/?]*)");

  private final HttpServer server;
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
  private final Map<String, String> manifestTypes = new ConcurrentHashMap<>();
  private final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();

  private TrainingRegistry(HttpServer server) {
    this.server = server;
  }

  /** Starts serving on a free port of 127.0.0.1. */
  static TrainingRegistry start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    TrainingRegistry registry = new TrainingRegistry(server);
    server.createContext("/", registry::handle);
    server.start();
    return registry;
  }

  /** {@code 127.0.0.1:PORT}, the registry part of a reference. */
  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      String method = x.getRequestMethod();
      byte[] body;
      try (InputStream in = x.getRequestBody()) {
        body = in.readAllBytes();
      }
      Matcher m;
      if (path.equals("/v2/") || path.equals("/v2")) {
        reply(x, 200, "{}".getBytes(), "application/json");
      } else if ((m = UPLOAD.matcher(path)).matches()) {
        upload(x, m.group(1), m.group(2), body);
      } else if ((m = BLOB.matcher(path)).matches()) {
        byte[] blob = blobs.get(m.group(2));
        reply(x, blob == null ? 404 : 200, blob == null ? new byte[0] : blob, "application/octet-stream");
      } else if ((m = MANIFEST.matcher(path)).matches()) {
        String key = m.group(1) + "/" + m.group(2);
        if (method.equals("PUT")) {
          String type = x.getRequestHeaders().getFirst("Content-Type");
          String digest = dev.strata.core.digest.Digest.sha256(body).toString();
          for (String k : new String[] {key, m.group(1) + "/" + digest}) {
            manifests.put(k, body);
            manifestTypes.put(k, type == null ? "application/vnd.oci.image.manifest.v1+json" : type);
          }
          x.getResponseHeaders().set("Docker-Content-Digest", digest);
          reply(x, 201, new byte[0], null);
        } else {
          byte[] manifest = manifests.get(key);
          if (manifest == null) {
            reply(x, 404, new byte[0], null);
          } else {
            x.getResponseHeaders().set("Docker-Content-Digest", dev.strata.core.digest.Digest.sha256(manifest).toString());
            reply(x, 200, manifest, manifestTypes.get(key));
          }
        }
      } else {
        reply(x, 404, new byte[0], null);
      }
    }
  }

  private void upload(HttpExchange x, String repo, String id, byte[] body) throws IOException {
    switch (x.getRequestMethod()) {
      case "POST" -> {
        String session = UUID.randomUUID().toString();
        uploads.put(session, new ByteArrayOutputStream());
        location(x, repo, session, 0);
        reply(x, 202, new byte[0], null);
      }
      case "PATCH" -> {
        ByteArrayOutputStream data = uploads.get(id);
        data.writeBytes(body);
        location(x, repo, id, data.size());
        reply(x, 202, new byte[0], null);
      }
      case "PUT" -> {
        ByteArrayOutputStream data = uploads.remove(id);
        data.writeBytes(body);
        String query = x.getRequestURI().getRawQuery();
        String digest = query.substring(query.indexOf("digest=") + "digest=".length()).replace("%3A", ":");
        blobs.put(digest, data.toByteArray());
        reply(x, 201, new byte[0], null);
      }
      default -> reply(x, 200, new byte[0], null); // GET: the session's status, unused here
    }
  }

  private static void location(HttpExchange x, String repo, String session, long size) {
    x.getResponseHeaders().set("Location", "/v2/" + repo + "/blobs/uploads/" + session);
    x.getResponseHeaders().set("Range", "0-" + Math.max(0, size - 1));
  }

  private static void reply(HttpExchange x, int status, byte[] body, String type) throws IOException {
    if (type != null) {
      x.getResponseHeaders().set("Content-Type", type);
    }
    boolean head = x.getRequestMethod().equals("HEAD");
    x.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
    x.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      x.getResponseBody().write(body);
    }
  }

  /** Stops serving. */
  @Override
  public void close() {
    server.stop(0);
  }
}
