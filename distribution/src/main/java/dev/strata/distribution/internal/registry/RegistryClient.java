package dev.strata.distribution.internal.registry;

import dev.strata.distribution.Reference;
import dev.strata.distribution.RegistryAuthException;
import dev.strata.distribution.RegistryException;
import dev.strata.distribution.RegistryNotFoundException;
import dev.strata.distribution.RegistryOptions;
import dev.strata.distribution.auth.Credentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The HTTP conversation with one repository of one registry: adds authorization (answering 401
 * challenges once per request), retries 429, 5xx and dropped connections with {@link Backoff}, and
 * follows redirects itself so that the Authorization header goes only to the registry's own host
 * (blob storage behind a redirect gets the request without it).
 *
 * <p>HTTPS trusts the JDK's CAs plus the registry's {@code certs.d} files ({@link RegistryTls});
 * which scheme a registry is spoken to over is {@link Endpoint}'s rule.
 */
public final class RegistryClient implements AutoCloseable {
  private static final int MAX_REDIRECTS = 5;
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private final HttpClient http;
  private final Reference reference;
  private final Endpoint endpoint;
  private final Authenticator auth;
  private final Backoff backoff;

  /** A client for {@code reference}'s repository; credentials are resolved now. */
  public RegistryClient(Reference reference, RegistryOptions options) throws IOException {
    this.reference = reference;
    this.endpoint = new Endpoint(reference, options);
    this.http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(30))
            .sslContext(endpoint.sslContext())
            .sslParameters(LazySslContext.parameters()) // else the client asks the context for them now
            .version(HttpClient.Version.HTTP_2)
            .build();
    Optional<Credentials> creds = options.credentials().isPresent() ? options.credentials() : options.credentialStore().lookup(reference.registry());
    this.auth = new Authenticator(http, reference.registry(), reference.repository(), creds);
    this.backoff = new Backoff(options.retry());
  }

  /** The reference this client serves. */
  public Reference reference() {
    return reference;
  }

  /** The backoff that callers reading a body use between their own tries. */
  public Backoff backoff() {
    return backoff;
  }

  /** {@code base/v2/REPOSITORY/SUFFIX}. */
  URI repositoryUri(String suffix) {
    return endpoint.base().resolve("/v2/" + reference.repository() + "/" + suffix);
  }

  /** {@code base/v2/}, the API version check. */
  URI versionUri() {
    return endpoint.base().resolve("/v2/");
  }

  /** Resolves a Location header against the request URI. */
  static URI location(URI requested, HttpResponse<?> response) {
    String loc = response.headers().firstValue("Location").orElse("");
    return requested.resolve(loc);
  }

  /** The pull scope of this repository. */
  String pullScope() {
    return "repository:" + reference.repository() + ":pull";
  }

  /** The push scope of this repository (push needs pull too, for HEAD checks). */
  String pushScope() {
    return "repository:" + reference.repository() + ":pull,push";
  }

  /**
   * Sends {@code request} and returns the first answer that is not a challenge, a retryable
   * error or a redirect. The caller owns the body.
   *
   * @throws RegistryAuthException when the registry still refuses after its challenge was answered
   * @throws RegistryException when the tries are exhausted
   */
  HttpResponse<InputStream> send(Request request) throws IOException {
    IOException lastIo = null;
    int lastStatus = 0;
    boolean answered = false;
    for (int attempt = 1; attempt <= backoff.attempts(); attempt++) {
      HttpResponse<InputStream> response;
      Optional<String> sent = auth.header(request.scope());
      try {
        response = sendFollowing(request);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        lastIo = e;
        if (attempt < backoff.attempts()) {
          backoff.pause(attempt, Optional.empty());
        }
        continue;
      }
      int status = response.statusCode();
      if (status == 401 && !answered) {
        discard(response);
        auth.answer(response.headers().firstValue("WWW-Authenticate"), request.scope(), request.action(), sent);
        answered = true;
        attempt--; // answering the challenge is not a failed try
        continue;
      }
      if (Backoff.retryable(status)) {
        lastStatus = status;
        Optional<Duration> after = Backoff.retryAfter(response.headers());
        discard(response);
        if (attempt < backoff.attempts()) {
          backoff.pause(attempt, after);
        }
        continue;
      }
      return response;
    }
    String what = request.method() + " " + request.uri().getPath();
    if (lastIo != null && lastStatus == 0) {
      throw new RegistryException(reference.registry(), reference.repository(), what + " failed " + backoff.attempts() + " times: " + lastIo, lastIo);
    }
    throw new RegistryException(reference.registry(), reference.repository(), what + " answered " + lastStatus + " " + backoff.attempts() + " times");
  }

  private HttpResponse<InputStream> sendFollowing(Request request) throws IOException {
    Request current = request;
    for (int hop = 0; ; hop++) {
      HttpResponse<InputStream> response = sendOnce(current);
      if (!REDIRECTS.contains(response.statusCode()) || !(current.method().equals("GET") || current.method().equals("HEAD"))) {
        return response;
      }
      discard(response);
      if (hop == MAX_REDIRECTS) {
        throw new RegistryException(reference.registry(), reference.repository(), request.uri().getPath() + " redirected more than " + MAX_REDIRECTS + " times");
      }
      current = current.at(location(current.uri(), response));
    }
  }

  private HttpResponse<InputStream> sendOnce(Request request) throws IOException {
    URI uri = endpoint.onCurrentScheme(request.uri());
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5));
    if (uri.getScheme().equals("http")) {
      b.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance with a plain registry
    }
    request.headers().forEach(b::header);
    if (sameOrigin(uri)) {
      auth.header(request.scope()).ifPresent(h -> b.header("Authorization", h));
    }
    HttpRequest.BodyPublisher body = request.body().map(s -> s.get()).orElse(HttpRequest.BodyPublishers.noBody());
    b.method(request.method(), body);
    HttpResponse<InputStream> response;
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted talking to " + reference.registry());
    } catch (IOException e) {
      if (endpoint.checkFailure(uri, e)) {
        return sendOnce(request); // the registry speaks plain HTTP only
      }
      throw e;
    }
    Optional<HttpResponse<InputStream>> answer = endpoint.checkFirstAnswer(http, uri, response);
    return answer.isPresent() ? answer.get() : sendOnce(request); // empty: it speaks HTTPS
  }

  /** Whether {@code uri} is the registry's own scheme, host and port: only then is auth sent. */
  boolean sameOrigin(URI uri) {
    URI base = endpoint.base();
    return base.getScheme().equalsIgnoreCase(uri.getScheme())
        && base.getHost().equalsIgnoreCase(uri.getHost())
        && port(base) == port(uri);
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : u.getScheme().equals("https") ? 443 : 80;
  }

  /**
   * Turns an unexpected answer into the typed error: 404 is {@link RegistryNotFoundException},
   * 401 and 403 {@link RegistryAuthException}, anything else {@link RegistryException}; the
   * registry's error text (bounded) is quoted.
   */
  RuntimeException failure(HttpResponse<InputStream> response, String action, String what) throws IOException {
    String text;
    try (InputStream in = response.body()) {
      text = new String(in.readNBytes(2048), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      text = ""; // the body was read already (HEAD) or the connection is gone
    }
    int status = response.statusCode();
    String where = reference.registry() + "/" + reference.repository();
    return switch (status) {
      case 404 -> new RegistryNotFoundException(what, where + " has no " + what + (text.isEmpty() ? "" : ": " + text));
      case 401, 403 -> new RegistryAuthException(reference.registry(), reference.repository(), action, auth.describeCredentials());
      default ->
          new RegistryException(
              reference.registry(), reference.repository(), action + " " + what + " at " + where + " answered " + status + (text.isEmpty() ? "" : ": " + text));
    };
  }

  /** Closes the connections; idempotent. */
  @Override
  public void close() {
    http.close();
  }

  /** Reads and drops a body so the connection can be reused. */
  static void discard(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      in.skip(1 << 16);
    } catch (IOException ignored) {
      // the connection is dropped instead of reused
    }
  }
}
