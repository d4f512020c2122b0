package dev.strata.distribution.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * One auth file in containers' and docker's shared format: {@code {"auths": {"HOST": {"auth":
 * base64(USER:PASS)}}, "credHelpers": {"HOST": "NAME"}, "credsStore": "NAME"}}. Keys may be
 * written as {@code HOST}, {@code https://HOST} or {@code https://HOST/v1/} (docker's legacy
 * form); Docker Hub is found under {@code docker.io}, {@code index.docker.io} and {@code
 * registry-1.docker.io}.
 *
 * @param path the file
 */
public record AuthFile(Path path) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The credentials this file holds for {@code registry}, including through a credential helper
   * it names.
   */
  public Optional<Credentials> lookup(String registry) throws IOException {
    if (!Files.isRegularFile(path)) {
      return Optional.empty();
    }
    JsonNode root = read();
    Iterator<Map.Entry<String, JsonNode>> auths = root.path("auths").properties().iterator();
    while (auths.hasNext()) {
      Map.Entry<String, JsonNode> e = auths.next();
      String auth = e.getValue().path("auth").asText("");
      if (matches(e.getKey(), registry) && !auth.isEmpty()) {
        return Optional.of(decode(auth, e.getKey()));
      }
    }
    Iterator<Map.Entry<String, JsonNode>> helpers = root.path("credHelpers").properties().iterator();
    while (helpers.hasNext()) {
      Map.Entry<String, JsonNode> e = helpers.next();
      if (matches(e.getKey(), registry)) {
        return new CredentialHelper(e.getValue().asText(), path).get(registry);
      }
    }
    String store = root.path("credsStore").asText("");
    return store.isEmpty() ? Optional.empty() : new CredentialHelper(store, path).get(registry);
  }

  /** Stores {@code creds} for {@code registry}, keeping every other entry; the file is mode 0600. */
  public void store(String registry, Credentials creds) throws IOException {
    ObjectNode root = Files.isRegularFile(path) ? (ObjectNode) read() : JSON.createObjectNode();
    ObjectNode auths = root.has("auths") ? (ObjectNode) root.get("auths") : root.putObject("auths");
    String token = Base64.getEncoder().encodeToString((creds.username() + ":" + creds.secret()).getBytes(StandardCharsets.UTF_8));
    auths.putObject(registry).put("auth", token);
    write(root);
  }

  /**
   * Removes the entries for {@code registry}.
   *
   * @return whether there was one
   */
  public boolean remove(String registry) throws IOException {
    if (!Files.isRegularFile(path)) {
      return false;
    }
    JsonNode root = read();
    if (!(root.get("auths") instanceof ObjectNode auths)) {
      return false;
    }
    boolean removed = false;
    for (Iterator<String> keys = auths.fieldNames(); keys.hasNext(); ) {
      if (matches(keys.next(), registry)) {
        keys.remove();
        removed = true;
      }
    }
    if (removed) {
      write(root);
    }
    return removed;
  }

  /** Whether an auth file key names {@code registry}. */
  static boolean matches(String key, String registry) {
    String k = key.replaceFirst("^https?://", "");
    int slash = k.indexOf('/');
    if (slash >= 0) {
      k = k.substring(0, slash);
    }
    return canonical(k).equals(canonical(registry));
  }

  private static String canonical(String host) {
    return switch (host) {
      case "index.docker.io", "registry-1.docker.io", "docker.io" -> "docker.io";
      default -> host;
    };
  }

  private JsonNode read() throws IOException {
    JsonNode root = JSON.readTree(Files.readAllBytes(path));
    if (root == null || !root.isObject()) {
      throw new InvalidArgumentException(path.toString(), "auth file " + path + " is not a JSON object");
    }
    return root;
  }

  private void write(JsonNode root) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".auth", ".json", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private Credentials decode(String auth, String key) {
    String text;
    try {
      text = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(path.toString(), "auth for " + key + " in " + path + " is not base64");
    }
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new InvalidArgumentException(path.toString(), "auth for " + key + " in " + path + " is not USER:PASS");
    }
    return new Credentials(text.substring(0, colon), text.substring(colon + 1), path.toString());
  }
}
