package dev.strata.build.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@link ContainerRuntime} that runs an OCI runtime's command line ({@code runc run}, {@code
 * crun run}) on a bundle whose {@code config.json} strata writes ({@link BundleConfig}).
 *
 * <p>crun 1.8 fails to set up cgroups on a hybrid (v1 + v2) layout, so for crun the config
 * carries no cgroup settings and crun is told {@code --cgroup-manager=disabled}; a build step
 * needs no resource limits. Even so crun 1.8 refuses to start ("cgroups in hybrid mode not
 * supported, drop all controllers from cgroupv2") when the v2 hierarchy of a hybrid layout holds
 * a controller ({@link #HYBRID_V2}'s {@code cgroup.controllers} not empty, as {@code hugetlb} is
 * on Debian 12 with systemd's hybrid default): there crun runs in a mount namespace of its own
 * ({@code unshare --mount}, util-linux) where an empty tmpfs covers that hierarchy, so crun sees a
 * plain v1 layout, which it accepts with cgroups disabled. Nothing outside that namespace changes.
 */
public final class OciRuntime implements ContainerRuntime {
  /** The runtimes strata knows how to drive, in the order {@link #find} prefers them. */
  public static final List<String> KNOWN = List.of("runc", "crun");
  /** Where a hybrid cgroup layout mounts its v2 hierarchy (systemd's {@code unified}). */
  static final Path HYBRID_V2 = Path.of("/sys/fs/cgroup/unified");

  private final String name;
  private final Path binary;

  private OciRuntime(String name, Path binary) {
    this.name = name;
    this.binary = binary;
  }

  /**
   * The runtime {@code name} ({@code runc} or {@code crun}) found on {@code PATH} (or in {@code
   * /usr/sbin}, {@code /usr/bin}, where Debian installs them).
   *
   * @throws RuntimeNotFoundException when it is not installed
   * @throws dev.strata.core.error.InvalidArgumentException when strata does not know the name
   */
  public static OciRuntime named(String name) {
    if (!KNOWN.contains(name)) {
      throw new dev.strata.core.error.InvalidArgumentException(name, "unknown OCI runtime " + name + " (have: " + String.join(", ", KNOWN) + ")");
    }
    return new OciRuntime(name, onPath(name).orElseThrow(() -> new RuntimeNotFoundException(name)));
  }

  /**
   * The first of {@link #KNOWN} that is installed.
   *
   * @throws RuntimeNotFoundException when none is
   */
  public static OciRuntime find() {
    for (String candidate : KNOWN) {
      Optional<Path> found = onPath(candidate);
      if (found.isPresent()) {
        return new OciRuntime(candidate, found.get());
      }
    }
    throw new RuntimeNotFoundException(String.join(" or ", KNOWN));
  }

  /** The runtime at {@code binary}, driven as {@code name} ({@code runc} or {@code crun}) is. */
  public static OciRuntime at(String name, Path binary) {
    return new OciRuntime(name, binary);
  }

  private static Optional<Path> onPath(String name) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
    return dirs.stream()
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  @Override
  public String name() {
    return name;
  }

  /** The runtime's executable. */
  public Path binary() {
    return binary;
  }

  @Override
  public List<MountPoint> mountPoints() {
    return BundleConfig.MOUNT_POINTS;
  }

  @Override
  public void run(RunSpec spec, Path workDir, OutputStream out, OutputStream err) throws IOException {
    Path hosts = Files.writeString(workDir.resolve("hosts"), hostsFile(spec.hostname()));
    Path resolv = workDir.resolve("resolv.conf");
    Path hostResolv = Path.of("/etc/resolv.conf");
    Files.write(resolv, spec.network() == NetworkMode.HOST && Files.isReadable(hostResolv) ? Files.readAllBytes(hostResolv) : new byte[0]);
    Path hostname = Files.writeString(workDir.resolve("hostname"), spec.hostname() + "\n");
    boolean crun = name.equals("crun");
    Files.write(workDir.resolve("config.json"), BundleConfig.write(spec, hosts, resolv, hostname, !crun));

    String id = "strata-build-" + UUID.randomUUID();
    Path state = workDir.resolve("state");
    List<String> command = new ArrayList<>();
    if (crun && hybridWithV2Controllers()) {
      // exec keeps crun's pid, exit status and signals those of the process we wait for
      command.addAll(List.of("unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
          "mount -t tmpfs -o size=4k,mode=0555 strata-no-cgroup2 " + HYBRID_V2 + " && exec \"$0\" \"$@\""));
    }
    command.addAll(List.of(binary.toString(), "--root", state.toString()));
    if (crun) {
      command.add("--cgroup-manager=disabled");
    }
    command.addAll(List.of("run", "--bundle", workDir.toString(), id));
    ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    OutputTail tail = new OutputTail();
    Process process = builder.start();
    boolean exited = false;
    try {
      Thread o = tail.pump(process.getInputStream(), out);
      Thread e = tail.pump(process.getErrorStream(), err);
      int status = process.waitFor();
      o.join();
      e.join();
      exited = true;
      if (status != 0) {
        throw new ProcessFailedException(String.join(" ", spec.args()), status, tail.lines());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while " + name + " ran " + spec.args());
    } finally {
      if (!exited) {
        process.destroy();
        forceDelete(state, id);
      }
    }
  }

  /** Whether this machine has a hybrid cgroup layout whose v2 hierarchy holds controllers. */
  private static boolean hybridWithV2Controllers() {
    try {
      Path controllers = HYBRID_V2.resolve("cgroup.controllers");
      return Files.isReadable(controllers) && !Files.readString(controllers).isBlank();
    } catch (IOException e) {
      return false; // unreadable: crun decides itself
    }
  }

  /** Kills and deletes the container {@code id}, after an interrupted run. */
  private void forceDelete(Path state, String id) {
    try {
      Process kill = new ProcessBuilder(binary.toString(), "--root", state.toString(), "delete", "--force", id)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      kill.waitFor();
    } catch (IOException e) {
      // the runtime is gone too; nothing left to ask
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String hostsFile(String hostname) {
    return "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t" + hostname + "\n";
  }
}
