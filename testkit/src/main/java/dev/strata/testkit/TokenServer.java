package dev.strata.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token server for docker-registry's {@code auth: token}: checks basic credentials, then issues
 * an RS256 JWT granting every scope asked for, signed with a key pair and self-signed certificate
 * the test makes with openssl (the certificate goes in the token's {@code x5c} header and in the
 * registry's {@code rootcertbundle}).
 */
final class TokenServer implements AutoCloseable {
  static final String SERVICE = "strata-test";
  static final String ISSUER = "strata-test-issuer";

  private final HttpServer server;
  private final String user;
  private final String password;
  private final PrivateKey key;
  private final String certBase64;
  private final AtomicInteger issued = new AtomicInteger();

  TokenServer(Path dir, String user, String password) throws Exception {
    this.user = user;
    this.password = password;
    PeerTool.OPENSSL.run(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=strata-test-token");
    PeerTool.OPENSSL.run(dir, "pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-outform", "DER", "-out", "key.der");
    PeerTool.OPENSSL.run(dir, "x509", "-in", "cert.pem", "-outform", "DER", "-out", "cert.der");
    key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(dir.resolve("key.der"))));
    certBase64 = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("cert.der")));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::handle);
    server.start();
  }

  String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  int issued() {
    return issued.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.sendResponseHeaders(401, -1);
        return;
      }
      List<String> access = new ArrayList<>();
      String query = ex.getRequestURI().getRawQuery();
      for (String pair : query == null ? new String[0] : query.split("&")) {
        if (pair.startsWith("scope=")) {
          String[] parts = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8).split(":");
          String actions = "\"" + String.join("\",\"", parts[parts.length - 1].split(",")) + "\"";
          String name = String.join(":", java.util.Arrays.copyOfRange(parts, 1, parts.length - 1));
          access.add("{\"type\":\"" + parts[0] + "\",\"name\":\"" + name + "\",\"actions\":[" + actions + "]}");
        }
      }
      long now = Instant.now().getEpochSecond();
      String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"" + certBase64 + "\"]}";
      String claims =
          "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + user + "\",\"aud\":\"" + SERVICE + "\",\"exp\":" + (now + 300) + ",\"nbf\":" + (now - 10)
              + ",\"iat\":" + now + ",\"jti\":\"" + UUID.randomUUID() + "\",\"access\":[" + String.join(",", access) + "]}";
      String signingInput = b64(header) + "." + b64(claims);
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(key);
      rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      String jwt = signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rs256.sign());
      byte[] body = ("{\"token\":\"" + jwt + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8);
      issued.incrementAndGet();
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
