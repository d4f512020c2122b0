package dev.strata.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An external program a test uses as an oracle or a fixture, with the Debian package that ships
 * it. Every call first {@linkplain Capabilities#requireTool requires} it: missing, the test skips
 * (or fails under CI). {@link Umoci}, {@link Skopeo}, {@link GnuTar}, {@link Xattrs} and {@link
 * DockerRegistry} name the verbs tests use; {@link #run} is for everything else.
 *
 * @param name the executable, looked up on the PATH
 * @param debianPackage the package that installs it
 */
public record PeerTool(String name, String debianPackage) {
  /** umoci, the OCI image tool: the reference unpacker. */
  public static final PeerTool UMOCI = new PeerTool("umoci", "umoci");
  /** skopeo: copies and inspects images between transports. */
  public static final PeerTool SKOPEO = new PeerTool("skopeo", "skopeo");
  /** GNU tar. */
  public static final PeerTool TAR = new PeerTool("tar", "tar");
  /** getfattr, which reads xattrs of every namespace. */
  public static final PeerTool GETFATTR = new PeerTool("getfattr", "attr");
  /** The distribution registry server. */
  public static final PeerTool DOCKER_REGISTRY = new PeerTool("docker-registry", "docker-registry");
  /** htpasswd, which writes the registry's bcrypt password file. */
  public static final PeerTool HTPASSWD = new PeerTool("htpasswd", "apache2-utils");
  /** openssl, which makes the key pair and certificate of the registry's token server. */
  public static final PeerTool OPENSSL = new PeerTool("openssl", "openssl");

  /** Skips (or, under CI, fails) the calling test unless this tool is on the PATH; returns this. */
  public PeerTool require() {
    Capabilities.requireTool(name, debianPackage);
    return this;
  }

  /** A {@link Command} running this tool with {@code args}, after {@link #require()}. */
  public Command command(String... args) {
    require();
    List<String> argv = new ArrayList<>(List.of(name));
    argv.addAll(List.of(args));
    return Command.of(argv);
  }

  /** Runs this tool in {@code dir}; fails the test on a non-zero exit; returns stdout as UTF-8. */
  public String run(Path dir, String... args) {
    return command(args).in(dir).run().requireSuccess().stdoutText();
  }

  /** {@link #run} returning stdout as bytes (a manifest's exact bytes, say). */
  public byte[] bytes(Path dir, String... args) {
    return command(args).in(dir).run().requireSuccess().stdout();
  }
}
