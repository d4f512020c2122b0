package dev.strata.distribution.internal.registry;

import dev.strata.distribution.Reference;
import dev.strata.distribution.RegistryOptions;
import dev.strata.distribution.RegistryTlsException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * Where a registry is spoken to and over which scheme, settled by the first exchange.
 *
 * <ul>
 *   <li>A loopback registry starts on plain HTTP (docker's rule, and no TLS probe for the common
 *       local registry); when it answers as a TLS server does to plain HTTP (400, "... HTTPS
 *       ..."), it is spoken to over HTTPS from then on.
 *   <li>Any other registry starts on HTTPS; when it does not speak TLS (the JDK finds no TLS
 *       record in its answer) and {@code --tls-verify=false} allows it, over plain HTTP from then
 *       on, as containers/image does.
 *   <li>A server that speaks TLS is never downgraded: a certificate that is not accepted, or a
 *       handshake it refuses, is a {@link RegistryTlsException}.
 * </ul>
 */
final class Endpoint {
  private final Reference reference;
  private final RegistryTls tls;
  private final List<Path> certDirectories;
  private final boolean plainHttpAllowed;
  private volatile URI base;
  private volatile boolean settled;

  Endpoint(Reference reference, RegistryOptions options) throws IOException {
    this.reference = reference;
    this.tls = RegistryTls.of(reference, options);
    this.certDirectories = options.certDirectories();
    this.plainHttpAllowed = reference.plainHttpAllowed(options.tlsVerify());
    this.base = reference.baseUri(reference.loopback() ? "http" : "https");
  }

  /** The context for HTTPS connections to the registry. */
  javax.net.ssl.SSLContext sslContext() {
    return tls.context();
  }

  /** {@code scheme://host[:port]} as currently spoken to. */
  URI base() {
    return base;
  }

  /** {@code uri} on the current scheme when it is the registry's own endpoint on the other one. */
  URI onCurrentScheme(URI uri) {
    if (!uri.getScheme().equals(base.getScheme()) && sameEndpoint(uri)) {
      return URI.create(base.getScheme() + uri.toString().substring(uri.getScheme().length()));
    }
    return uri;
  }

  private boolean sameEndpoint(URI uri) {
    // the authority as written in the reference: host[:port], the same on either scheme
    return base.getRawAuthority().equalsIgnoreCase(uri.getRawAuthority());
  }

  /**
   * Looks at the first answer of a plain HTTP registry: when it is a TLS server's refusal of plain
   * HTTP the scheme becomes HTTPS and empty is returned (send again); otherwise the answer, its
   * body intact.
   */
  Optional<HttpResponse<InputStream>> checkFirstAnswer(HttpClient http, URI sent, HttpResponse<InputStream> response) throws IOException {
    if (settled) {
      return Optional.of(response);
    }
    settled = true;
    if (response.statusCode() != 400 || !sent.getScheme().equals("http") || !sameEndpoint(sent)) {
      return Optional.of(response);
    }
    byte[] body;
    try (InputStream in = response.body()) {
      body = in.readNBytes(4096);
    }
    if (refusesPlainHttp(body) || (body.length == 0 && refusesPlainHttp(versionCheckBody(http)))) {
      base = reference.baseUri("https");
      return Optional.empty();
    }
    return Optional.of(new Buffered(response, body));
  }

  /** Go's net/http: "Client sent an HTTP request to an HTTPS server."; nginx: "The plain HTTP request was sent to HTTPS port". */
  private static boolean refusesPlainHttp(byte[] body) {
    return new String(body, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT).contains("HTTPS");
  }

  /** The body of a plain {@code GET /v2/}: a HEAD's 400 has none to look at. */
  private byte[] versionCheckBody(HttpClient http) throws IOException {
    HttpRequest get = HttpRequest.newBuilder(base.resolve("/v2/")).version(HttpClient.Version.HTTP_1_1).timeout(java.time.Duration.ofSeconds(30)).build();
    try (InputStream in = http.send(get, HttpResponse.BodyHandlers.ofInputStream()).body()) {
      return in.readNBytes(4096);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted talking to " + reference.registry());
    }
  }

  /**
   * Handles a failed exchange: true when the registry turned out not to speak TLS and plain HTTP is
   * allowed (the scheme is now HTTP: send again), false when the failure is no TLS matter.
   *
   * @throws RegistryTlsException when the registry speaks TLS and the handshake failed
   */
  boolean checkFailure(URI sent, IOException e) {
    Optional<SSLException> ssl = cause(e, SSLException.class);
    if (ssl.isEmpty() || !sent.getScheme().equals("https") || !sameEndpoint(sent)) {
      return false;
    }
    boolean speaksTls = cause(e, CertificateException.class).isPresent() || innermostMessage(e).contains("Received fatal alert");
    if (!speaksTls && plainHttpAllowed && !settled) {
      settled = true;
      base = reference.baseUri("http");
      return true;
    }
    throw failure(ssl.get(), e);
  }

  private RegistryTlsException failure(SSLException ssl, IOException e) {
    String registry = reference.registry();
    String detail = innermostMessage(e);
    String trusted =
        tls.files().isEmpty()
            ? "the JDK's CAs (no certificate files in " + certDirectories.stream().map(d -> d.resolve(registry).toString()).toList() + ")"
            : "the JDK's CAs and " + tls.files();
    String where = certDirectories.isEmpty() ? "a certs.d directory" : certDirectories.getFirst().resolve(registry).toString();
    String message =
        cause(e, CertificateException.class).isPresent()
            ? "the TLS certificate of " + registry + " is not accepted (" + detail + "); trusted are " + trusted
                + "; put the CA that signed it in " + where + "/ca.crt, or pass --tls-verify=false"
            : "the TLS handshake with " + registry + " failed (" + detail + "); if it asks for a client certificate, put NAME.cert and NAME.key in "
                + where + "/";
    return new RegistryTlsException(registry, reference.repository(), message, ssl);
  }

  private static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return Optional.of(type.cast(t));
      }
    }
    return Optional.empty();
  }

  private static String innermostMessage(Throwable e) {
    String message = String.valueOf(e.getMessage());
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return message;
  }

  /** An answer whose body was read to look at it, served again from memory. */
  private record Buffered(HttpResponse<InputStream> original, byte[] bytes) implements HttpResponse<InputStream> {
    @Override
    public int statusCode() {
      return original.statusCode();
    }

    @Override
    public HttpRequest request() {
      return original.request();
    }

    @Override
    public Optional<HttpResponse<InputStream>> previousResponse() {
      return original.previousResponse();
    }

    @Override
    public HttpHeaders headers() {
      return original.headers();
    }

    @Override
    public InputStream body() {
      return new ByteArrayInputStream(bytes);
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return original.sslSession();
    }

    @Override
    public URI uri() {
      return original.uri();
    }

    @Override
    public HttpClient.Version version() {
      return original.version();
    }
  }
}
