package dev.strata.distribution.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.core.error.FailedPreconditionException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Docker's credential-helper protocol: {@code docker-credential-NAME get} reads the server URL on
 * stdin and prints {@code {"ServerURL":..., "Username":..., "Secret":...}}; it exits non-zero with
 * "credentials not found" when it has none.
 *
 * @param name the helper's name ({@code NAME} of {@code docker-credential-NAME})
 * @param configuredIn the file that named it, for messages
 */
public record CredentialHelper(String name, Path configuredIn) {
  private static final long TIMEOUT_SECONDS = 30;

  /** The helper's credentials for {@code registry}, or empty when it has none. */
  public Optional<Credentials> get(String registry) throws IOException {
    String program = "docker-credential-" + name;
    Process p;
    try {
      p = new ProcessBuilder(program, "get").redirectError(ProcessBuilder.Redirect.PIPE).start();
    } catch (IOException e) {
      throw new FailedPreconditionException(program, configuredIn + " names credential helper " + program + ", which cannot be run: " + e.getMessage());
    }
    try (OutputStream in = p.getOutputStream()) {
      in.write(registry.getBytes(StandardCharsets.UTF_8));
    }
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new FailedPreconditionException(program, program + " get did not answer within " + TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for " + program, e);
    }
    String output = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      if ((output + err).toLowerCase(java.util.Locale.ROOT).contains("credentials not found")) {
        return Optional.empty();
      }
      // the helper's output might echo what it was given; only its exit status is reported
      throw new FailedPreconditionException(program, program + " get failed with exit status " + p.exitValue());
    }
    JsonNode node = new ObjectMapper().readTree(out);
    String user = node.path("Username").asText("");
    String secret = node.path("Secret").asText("");
    if (secret.isEmpty()) {
      return Optional.empty();
    }
    // docker's convention: user "<token>" means the secret is an identity token
    return Optional.of(new Credentials(user, secret, program));
  }
}
