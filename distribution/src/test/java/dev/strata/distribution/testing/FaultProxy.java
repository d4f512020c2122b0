package dev.strata.distribution.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A forwarding proxy in front of a registry that injects one fault at a time into the requests
 * whose path contains a given text, and records every request and the body bytes it sent back.
 * Reachable as {@link #host()} (127.0.0.1) and, for redirects to "another host", as {@link
 * #otherHost()} (localhost, same port).
 */
public final class FaultProxy implements AutoCloseable {
  /** What to do to a matching request. */
  public enum Kind {
    /** Forward, then flip one byte of the response body. */
    FLIP_BYTE,
    /** Answer {@code status} (and Retry-After) without forwarding. */
    STATUS,
    /** Forward, then send only {@code bytes} of the body and drop the connection. */
    DROP_AFTER,
    /** Forward, send {@code bytes} of the body, then hold the connection until the proxy closes. */
    STALL_AFTER,
    /** Forward, send {@code bytes} of the body, then hold the rest until {@link #release()}. */
    HOLD_AFTER,
    /** Forward without the Range header. */
    IGNORE_RANGE,
    /** Redirect to {@link #otherHost()}. */
    REDIRECT_OTHER_HOST,
    /** Forward, but answer {@code status} instead of the registry's answer (a lost response). */
    LOSE_RESPONSE,
    /** Forward, but label the answer as a Docker schema 1 signed manifest. */
    SCHEMA1
  }

  /**
   * A fault for the first {@code times} requests whose {@code "METHOD PATH"} contains {@code
   * pathPart}.
   *
   * @param status the status for {@link Kind#STATUS}
   * @param retryAfter a Retry-After value to send with it, or empty
   * @param bytes for {@link Kind#DROP_AFTER} and {@link Kind#STALL_AFTER}: how many body bytes
   *     to send before dropping or stalling
   */
  public record Fault(Kind kind, String pathPart, int times, int status, Optional<String> retryAfter, long bytes) {
    /** A fault of {@code kind} with no parameters. */
    public static Fault of(Kind kind, String pathPart, int times) {
      return new Fault(kind, pathPart, times, 0, Optional.empty(), 0);
    }
  }

  /** A request the proxy saw. */
  public record Seen(String method, String path, Optional<String> authorization, Optional<String> range, String host) {}

  private static final Set<String> HOP = Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding", "keep-alive", "te", "trailer");
  private static final String REDIRECTED = "/_redirected";

  private final HttpServer server;
  private final String upstream;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
  private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong bodyBytes = new AtomicLong();
  private volatile Optional<String> upstreamAuth = Optional.empty();
  private Fault fault = Fault.of(Kind.STATUS, "\0never", 0);
  private int used;

  private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

  private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

  /** Starts a proxy forwarding to {@code upstreamHost} ({@code host:port}). */
  public FaultProxy(String upstreamHost) throws IOException {
    this.upstream = upstreamHost;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  /** {@code 127.0.0.1:PORT}. */
  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** {@code localhost:PORT}: the same proxy under another host name. */
  public String otherHost() {
    return "localhost:" + server.getAddress().getPort();
  }

  /** Injects {@code f} from now on (replacing the previous fault). */
  public synchronized void inject(Fault f) {
    fault = f;
    used = 0;
  }

  /** The Authorization the proxy adds to redirected requests, as signed URLs of blob storage would. */
  public void authorizeRedirectsWith(String header) {
    upstreamAuth = Optional.of(header);
  }

  /** Every request seen, in order. */
  public List<Seen> requests() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  /** Body bytes sent to clients for requests whose path contains {@code pathPart}. */
  public long bodyBytes() {
    return bodyBytes.get();
  }

  /** Forgets the requests and byte count seen so far. */
  public void reset() {
    seen.clear();
    bodyBytes.set(0);
  }

  private synchronized Optional<Fault> take(String path) {
    if (path.contains(fault.pathPart()) && used < fault.times()) {
      used++;
      return Optional.of(fault);
    }
    return Optional.empty();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String query = ex.getRequestURI().getRawQuery();
      Map<String, List<String>> in = ex.getRequestHeaders();
      seen.add(new Seen(ex.getRequestMethod(), path, first(in, "Authorization"), first(in, "Range"), first(in, "Host").orElse("")));
      boolean redirected = path.startsWith(REDIRECTED);
      if (redirected) {
        path = path.substring(REDIRECTED.length());
      }
      Optional<Fault> f = redirected ? Optional.empty() : take(ex.getRequestMethod() + " " + path);
      if (f.isPresent() && f.get().kind() == Kind.STATUS) {
        f.get().retryAfter().ifPresent(v -> ex.getResponseHeaders().add("Retry-After", v));
        ex.sendResponseHeaders(f.get().status(), -1);
        return;
      }
      if (f.isPresent() && f.get().kind() == Kind.REDIRECT_OTHER_HOST) {
        ex.getResponseHeaders().add("Location", "http://" + otherHost() + REDIRECTED + path + (query == null ? "" : "?" + query));
        ex.sendResponseHeaders(307, -1);
        return;
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + upstream + path + (query == null ? "" : "?" + query)));
      in.forEach((k, vs) -> {
        String key = k.toLowerCase(Locale.ROOT);
        boolean dropRange = key.equals("range") && f.isPresent() && f.get().kind() == Kind.IGNORE_RANGE;
        if (!HOP.contains(key) && !dropRange && !(redirected && key.equals("authorization"))) {
          vs.forEach(v -> b.header(k, v));
        }
      });
      if (redirected) {
        upstreamAuth.ifPresent(a -> b.header("Authorization", a));
      }
      byte[] body = ex.getRequestBody().readAllBytes();
      b.method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      HttpResponse<byte[]> r;
      try {
        r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      r.headers().map().forEach((k, vs) -> {
        String key = k.toLowerCase(Locale.ROOT);
        if (!HOP.contains(key) && !key.equals(":status")) {
          vs.forEach(v -> ex.getResponseHeaders().add(k, key.equals("location") ? v.replace(upstream, host()) : v));
        }
      });
      if (f.isPresent() && f.get().kind() == Kind.SCHEMA1) {
        ex.getResponseHeaders().set("Content-Type", "application/vnd.docker.distribution.manifest.v1+prettyjws");
      }
      if (f.isPresent() && f.get().kind() == Kind.LOSE_RESPONSE) {
        ex.getResponseHeaders().clear();
        ex.sendResponseHeaders(f.get().status(), -1);
        return;
      }
      byte[] out = r.body();
      if (ex.getRequestMethod().equals("HEAD") || out.length == 0) {
        r.headers().firstValue("Content-Length").ifPresent(v -> ex.getResponseHeaders().set("Content-Length", v));
        ex.sendResponseHeaders(r.statusCode(), -1);
        return;
      }
      if (f.isPresent() && f.get().kind() == Kind.FLIP_BYTE) {
        out = out.clone();
        out[out.length / 2] ^= 0x01;
      }
      ex.sendResponseHeaders(r.statusCode(), out.length);
      OutputStream os = ex.getResponseBody();
      if (f.isPresent() && f.get().kind() == Kind.HOLD_AFTER) {
        int n = (int) Math.min(f.get().bytes(), out.length - 1);
        os.write(out, 0, n);
        os.flush();
        awaitRelease();
        os.write(out, n, out.length - n);
        bodyBytes.addAndGet(out.length);
        return;
      }
      if (f.isPresent() && (f.get().kind() == Kind.DROP_AFTER || f.get().kind() == Kind.STALL_AFTER)) {
        int n = (int) Math.min(f.get().bytes(), out.length - 1);
        os.write(out, 0, n);
        os.flush();
        bodyBytes.addAndGet(n);
        if (f.get().kind() == Kind.STALL_AFTER) {
          awaitClose();
        }
        throw new IOException("dropping the connection mid-body, as asked");
      }
      os.write(out);
      bodyBytes.addAndGet(out.length);
    }
  }

  private static Optional<String> first(Map<String, List<String>> headers, String name) {
    return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).flatMap(e -> e.getValue().stream()).findFirst();
  }

  /** Lets the bodies held by {@link Kind#HOLD_AFTER} go on. */
  public void release() {
    released.countDown();
  }

  private void awaitRelease() {
    try {
      released.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitClose() {
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    released.countDown();
    closed.countDown();
    server.stop(0);
  }
}
