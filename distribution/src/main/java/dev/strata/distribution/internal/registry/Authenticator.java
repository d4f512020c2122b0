package dev.strata.distribution.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.distribution.RegistryAuthException;
import dev.strata.distribution.RegistryException;
import dev.strata.distribution.auth.Credentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry's authorization, learnt from its challenges: basic auth, or bearer tokens fetched
 * from the challenge's realm and cached per scope until shortly before they expire (distribution's
 * token spec: {@code token} or {@code access_token}, {@code expires_in} defaulting to 60 s).
 */
final class Authenticator {
  private static final Duration DEFAULT_TOKEN_LIFE = Duration.ofSeconds(60);
  private static final Duration EARLY = Duration.ofSeconds(5);

  private record Token(String value, Instant expiresAt) {}

  private final HttpClient http;
  private final String registry;
  private final String repository;
  private final Optional<Credentials> credentials;
  private final Clock clock = Clock.systemUTC();
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private final Map<String, Object> fetching = new ConcurrentHashMap<>();
  private volatile Optional<Challenge> challenge = Optional.empty();

  Authenticator(HttpClient http, String registry, String repository, Optional<Credentials> credentials) {
    this.http = http;
    this.registry = registry;
    this.repository = repository;
    this.credentials = credentials;
  }

  /** What was or would be sent, for messages: never the secret. */
  String describeCredentials() {
    return credentials.map(Credentials::describe).orElse("no credentials");
  }

  /** The Authorization header for {@code scope}, when the registry's scheme is known. */
  Optional<String> header(String scope) {
    Optional<Challenge> c = challenge;
    if (c.isEmpty()) {
      return Optional.empty();
    }
    if (c.get().basic()) {
      return credentials.map(Authenticator::basic);
    }
    Token t = tokens.get(scope);
    if (t == null || !clock.instant().isBefore(t.expiresAt())) {
      return Optional.empty();
    }
    return Optional.of("Bearer " + t.value());
  }

  /**
   * Answers a 401: remembers the challenge and, for bearer, fetches a token for {@code scope},
   * unless another request fetched one since {@code sent} (the header the refused request
   * carried) was current: parallel requests meeting the same challenge share one token.
   *
   * @throws RegistryAuthException when the registry wants credentials and none are known, or the
   *     token server refuses them
   */
  void answer(Optional<String> wwwAuthenticate, String scope, String action, Optional<String> sent) throws IOException {
    Optional<Challenge> parsed = Challenge.parse(wwwAuthenticate);
    if (parsed.isEmpty() || !(parsed.get().bearer() || parsed.get().basic())) {
      throw new RegistryAuthException(registry, repository, action, describeCredentials());
    }
    challenge = parsed;
    if (parsed.get().basic()) {
      if (credentials.isEmpty()) {
        throw new RegistryAuthException(registry, repository, action, describeCredentials());
      }
      return;
    }
    synchronized (fetching.computeIfAbsent(scope, k -> new Object())) {
      Optional<String> now = header(scope);
      if (now.isPresent() && !now.equals(sent)) {
        return;
      }
      tokens.put(scope, fetchToken(parsed.get(), scope, action));
    }
  }

  private Token fetchToken(Challenge c, String scope, String action) throws IOException {
    String realm = c.params().get("realm");
    if (realm == null || realm.isBlank()) {
      throw new RegistryException(registry, repository, registry + " sent a bearer challenge without a realm");
    }
    StringBuilder query = new StringBuilder();
    Optional.ofNullable(c.params().get("service")).ifPresent(s -> query.append("service=").append(enc(s)));
    for (String s : scope.split(" ")) {
      query.append(query.isEmpty() ? "" : "&").append("scope=").append(enc(s));
    }
    URI uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
    HttpRequest.Builder req = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(60));
    credentials.ifPresent(cr -> req.header("Authorization", basic(cr)));
    HttpResponse<InputStream> response;
    try {
      response = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted fetching a token from " + uri.getHost());
    }
    byte[] body;
    try (InputStream in = response.body()) {
      body = in.readNBytes(1 << 20);
    }
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      throw new RegistryAuthException(registry, repository, action, describeCredentials());
    }
    if (response.statusCode() != 200) {
      throw new RegistryException(
          registry, repository, "token server " + uri.getHost() + " answered " + response.statusCode() + " for " + scope);
    }
    JsonNode json = new ObjectMapper().readTree(body);
    String token = json.path("token").asText(json.path("access_token").asText(""));
    if (token.isEmpty()) {
      throw new RegistryException(registry, repository, "token server " + uri.getHost() + " sent no token for " + scope);
    }
    long seconds = json.path("expires_in").asLong(DEFAULT_TOKEN_LIFE.toSeconds());
    Duration life = Duration.ofSeconds(Math.max(seconds, DEFAULT_TOKEN_LIFE.toSeconds()));
    return new Token(token, clock.instant().plus(life).minus(EARLY));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String basic(Credentials c) {
    return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8));
  }
}
