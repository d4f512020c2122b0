package dev.strata.fuse;

import dev.strata.core.error.FailedPreconditionException;
import dev.strata.fuse.internal.ServerMain;
import dev.strata.snapshot.mount.Mounter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops the detached child JVM that serves one FUSE mount. The child runs in its own
 * session ({@code setsid}), so a terminal's hang-up or Ctrl-C of the command that mounted does
 * not end it.
 */
final class MountServer {
  private MountServer() {}

  /** How often the parent checks for the mount: short, as each check is a read of mountinfo and a stat. */
  private static final Duration POLL = Duration.ofMillis(2);
  /** How long a new server may take to answer on its mount point (a cold JVM on a busy machine). */
  private static final Duration READY_WITHIN = Duration.ofSeconds(60);

  /**
   * Starts a server showing {@code layers} on {@code target} and waits until {@code target} is a
   * mount point whose root answers {@code stat}; the pid goes to {@code ids.pidFile()}.
   *
   * @throws FailedPreconditionException when the server exits first (its log in the message) or
   *     does not answer in time (it is killed then)
   */
  static void start(Path runDir, FuseMounts.Ids ids, FuseLayers layers, Path target, Path storeRoot) throws IOException {
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions(System.getProperty(AOT_CACHE_PROPERTY)));
    command.addAll(List.of("-cp", classPath(), ServerMain.class.getName()));
    layers.upper().ifPresent(u -> command.addAll(List.of("--rw", u.upper().toString(), u.work().toString())));
    command.addAll(List.of(target.toString(), storeRoot.toString(), layers.formatArgument(), String.join(",", options(layers.writable()))));
    layers.layers().forEach(l -> command.add(l.toString()));
    Process server = new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(ids.logFile().toFile())
        .start();
    Files.writeString(ids.pidFile(), server.pid() + "\n");
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    try {
      while (!answers(target)) {
        if (server.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new FailedPreconditionException(target.toString(), "the FUSE server for " + target + " exited: " + log(ids));
        }
        if (System.nanoTime() > deadline) {
          server.destroyForcibly();
          throw new FailedPreconditionException(target.toString(), "the FUSE server for " + target + " did not answer: " + log(ids));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.destroyForcibly();
      throw new IOException("interrupted while the FUSE server for " + target + " started", e);
    } catch (IOException | RuntimeException e) {
      if (server.isAlive()) {
        server.destroyForcibly();
      }
      Files.deleteIfExists(ids.pidFile());
      throw e;
    }
  }

  /**
   * Read-only unless {@code writable}, with the kernel checking permissions from the modes the server reports; as root
   * other users may enter (they would see the image's own modes), without root only the mounting
   * user may, as fusermount3 allows by default, and the mount goes through fusermount3.
   */
  private static List<String> options(boolean writable) {
    List<String> options = new ArrayList<>(List.of(writable ? "rw" : "ro", "default_permissions", "fsname=strata", "subtype=strata"));
    if ("root".equals(System.getProperty("user.name"))) {
      options.add("allow_other");
    } else {
      // libfuse then mounts through fusermount3 straight away; otherwise it first opens /dev/fuse
      // itself and, where that is 0600 (containers), fails without trying fusermount3. The
      // fusermount3 it leaves waiting also unmounts the mount if this server dies.
      options.add("auto_unmount");
    }
    return options;
  }

  /**
   * The system property naming the mount server's ahead-of-time cache (JEP 483/514), which
   * {@code bin/strata} trains on a FUSE mount with exactly the options {@link #jvmOptions} gives
   * and the CLI jar as class path.
   */
  static final String AOT_CACHE_PROPERTY = "strata.fuse.aotCache";

  /**
   * The server JVM's options: native access, the serial collector and C1 only (a server's start
   * is its mount-ready time, and C2's compiler threads took a core of the 2 it was measured on;
   * docs/benchmarks.md, "Mount ready"), and the server's cache when {@code cache} names a file.
   * The JVM checks that the cache fits the class path and options and, when it does not, runs
   * without it (a warning in the server's log): a mismatch costs the cache, never the mount.
   */
  static List<String> jvmOptions(String cache) {
    List<String> options = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    if (cache != null && Files.isReadable(Path.of(cache))) {
      options.add("-XX:AOTCache=" + cache);
    }
    return options;
  }

  /** The class path, and a module path given to this JVM, as one class path for the child. */
  private static String classPath() {
    List<String> parts = new ArrayList<>();
    for (String property : List.of("java.class.path", "jdk.module.path")) {
      String value = System.getProperty(property);
      if (value != null && !value.isEmpty()) {
        parts.add(value);
      }
    }
    return String.join(File.pathSeparator, parts);
  }

  private static boolean answers(Path target) throws IOException {
    if (!Mounter.isMountPoint(target)) {
      return false;
    }
    try {
      return Files.isDirectory(target); // stat of the root, answered by the server
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Takes the mount on {@code target} down and ends its server: {@code fusermount3 -u}, or
   * {@code -u -z} when the server is gone or the mount no longer answers; then waits up to
   * {@code within} for the server to exit (killing it after that) and removes the pid file.
   *
   * @throws FailedPreconditionException when the mount is busy ("DIR is busy")
   */
  static void stop(FuseMounts.Ids ids, Path target, Duration within) throws IOException {
    Optional<ProcessHandle> server = server(ids);
    if (Mounter.isMountPoint(target)) {
      boolean lazy = server.isEmpty() || !answersStat(target);
      String out = fusermount(lazy, target);
      if (out != null && !lazy && out.contains("not connected")) {
        out = fusermount(true, target);
      }
      if (out != null) {
        if (out.contains("busy")) {
          throw new FailedPreconditionException(
              target.toString(), target + " is busy: a process has a file open or its working directory there (fuser -vm " + target + " lists them)");
        }
        throw new IOException("fusermount3 -u " + target + ": " + out.strip());
      }
    }
    if (server.isPresent()) {
      ProcessHandle h = server.get();
      try {
        h.onExit().get(within.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        h.destroyForcibly();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while the FUSE server of " + target + " exited", e);
      }
    }
    Files.deleteIfExists(ids.pidFile());
  }

  private static boolean answersStat(Path target) {
    try {
      Files.readAttributes(target, "unix:ino");
      return true;
    } catch (IOException e) {
      return false; // ENOTCONN: "Transport endpoint is not connected"
    }
  }

  /** Runs fusermount3; null when it succeeded, else what it said. */
  private static String fusermount(boolean lazy, Path target) throws IOException {
    List<String> command = new ArrayList<>(List.of("fusermount3", "-u"));
    if (lazy) {
      command.add("-z");
    }
    command.add(target.toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor() == 0 ? null : out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while unmounting " + target, e);
    }
  }

  /** The live server named by the pid file, when it is one of ours (not a reused pid). */
  private static Optional<ProcessHandle> server(FuseMounts.Ids ids) throws IOException {
    if (!Files.exists(ids.pidFile())) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(ids.pidFile()).strip());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(h -> h.info().commandLine().map(c -> c.contains(ServerMain.class.getName())).orElse(true));
  }

  private static String log(FuseMounts.Ids ids) throws IOException {
    String text = Files.exists(ids.logFile()) ? Files.readString(ids.logFile()).strip() : "";
    return text.isEmpty() ? "(no output)" : text.lines().reduce((a, b) -> b).orElse(text);
  }
}
