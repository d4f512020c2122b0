package dev.strata.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real CNCF Distribution registry ({@code /usr/bin/docker-registry} from Debian) on 127.0.0.1, a
 * free port and a temporary storage directory, for one test class. Register it as a static field
 * with {@code @RegisterExtension}; it starts before the class's tests and stops after them.
 * Missing the binary, the class is skipped, or fails under CI.
 *
 * <pre>{@code
 * @RegisterExtension static final DockerRegistry registry = DockerRegistry.open();
 * ... "docker://" + registry.host() + "/team/app:v1"
 * }</pre>
 */
public final class DockerRegistry implements BeforeAllCallback, AfterAllCallback {
  private final String user;
  private final String password;
  private final boolean token;
  private TokenServer tokens;
  private Path dir;
  private Process process;
  private int port;

  private DockerRegistry(String user, String password, boolean token) {
    this.user = user;
    this.password = password;
    this.token = token;
  }

  /** An open registry: anyone may pull and push. */
  public static DockerRegistry open() {
    return new DockerRegistry("", "", false);
  }

  /** A registry with basic auth for one user (htpasswd, bcrypt). */
  public static DockerRegistry withUser(String user, String password) {
    return new DockerRegistry(user, password, false);
  }

  /**
   * A registry with {@code auth: token}: a token server of the test's own (JDK HttpServer, RS256
   * JWTs from an openssl key pair) issues tokens to one user.
   */
  public static DockerRegistry withTokenAuth(String user, String password) {
    return new DockerRegistry(user, password, true);
  }

  /** How many tokens the token server has issued. */
  public int tokensIssued() {
    return tokens.issued();
  }

  /** {@code 127.0.0.1:PORT}. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** The port. */
  public int port() {
    return port;
  }

  /** Starts the registry on a free port and waits until it answers {@code /v2/}. */
  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    PeerTool.DOCKER_REGISTRY.require();
    dir = Files.createTempDirectory("strata-registry-");
    port = freePort();
    StringBuilder config = new StringBuilder();
    config.append("version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n");
    config.append("storage:\n  filesystem:\n    rootdirectory: ").append(dir.resolve("data")).append("\n  delete:\n    enabled: true\n");
    config.append("http:\n  addr: 127.0.0.1:").append(port).append("\n");
    if (token) {
      tokens = new TokenServer(dir, user, password);
      config.append("auth:\n  token:\n    realm: ").append(tokens.realm()).append("\n    service: ").append(TokenServer.SERVICE)
          .append("\n    issuer: ").append(TokenServer.ISSUER).append("\n    rootcertbundle: ").append(dir.resolve("cert.pem")).append("\n");
    } else if (!user.isEmpty()) {
      String line = PeerTool.HTPASSWD.run(dir, "-Bbn", user, password).strip();
      Files.writeString(dir.resolve("htpasswd"), line + "\n");
      config.append("auth:\n  htpasswd:\n    realm: strata-test\n    path: ").append(dir.resolve("htpasswd")).append("\n");
    }
    Path yml = dir.resolve("config.yml");
    Files.writeString(yml, config);
    ProcessBuilder builder =
        new ProcessBuilder("docker-registry", "serve", yml.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("registry.log").toFile());
    // the registry reads REGISTRY_* variables as configuration (REGISTRY_AUTH_FILE would be auth.file)
    builder.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_"));
    process = builder.start();
    awaitReady();
  }

  private void awaitReady() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest ping = HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/")).build();
    for (int i = 0; i < 200; i++) {
      if (!process.isAlive()) {
        throw new IllegalStateException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
      }
      try {
        int status = http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200 || status == 401) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("docker-registry did not answer on " + host());
  }

  /** Stops the registry and removes its storage. */
  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (process != null) {
      process.destroy();
      process.waitFor();
    }
    if (tokens != null) {
      tokens.close();
    }
    if (dir != null) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
