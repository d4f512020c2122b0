package dev.strata.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/**
 * The one process runner of the tests: a command line, its directory, an optional other user and
 * a timeout; {@link #run()} captures stdout, stderr and the exit status. Stdin is closed; both
 * outputs are drained concurrently, so neither can block the child.
 *
 * <pre>{@code
 * String listing = Command.of("tar", "-tvf", file.toString()).run().requireSuccess().stdoutText();
 * Command.run(dir, "setfattr", "-n", "user.k", "-v", "v", "f");   // fails the test on a non-zero exit
 * Command.of("touch", "x").asUser(65534).in(dir).run().exitCode(); // as nobody, via setpriv
 * }</pre>
 */
public final class Command {
  /** Long enough for a peer tool on a busy machine; a hang still ends the test. */
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  private final List<String> argv;
  private Path dir;
  private Duration timeout = DEFAULT_TIMEOUT;

  private Command(List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    this.argv = new ArrayList<>(argv);
  }

  /** A command line; nothing runs until {@link #run()}. */
  public static Command of(String... argv) {
    return new Command(List.of(argv));
  }

  /** {@link #of(String...)} from a list. */
  public static Command of(List<String> argv) {
    return new Command(argv);
  }

  /**
   * Runs {@code argv} in {@code dir} (the JVM's directory when null) and returns its stdout as
   * UTF-8; a non-zero exit fails the test with the command and its stderr.
   */
  public static String run(Path dir, String... argv) {
    return of(argv).in(dir).run().requireSuccess().stdoutText();
  }

  /** {@link #run(Path, String...)} returning stdout as bytes. */
  public static byte[] bytes(Path dir, String... argv) {
    return of(argv).in(dir).run().requireSuccess().stdout();
  }

  /** Runs in {@code dir} (the JVM's directory when null). */
  public Command in(Path dir) {
    this.dir = dir;
    return this;
  }

  /** Kills the process and fails the test after {@code timeout}. */
  public Command timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /**
   * Runs as {@code uid} and group {@code uid} with no supplementary groups, through {@code
   * setpriv} (util-linux); the test must run as root for that.
   */
  public Command asUser(int uid) {
    return asUser(uid, uid);
  }

  /** {@link #asUser(int)} with a separate group. */
  public Command asUser(int uid, int gid) {
    argv.addAll(0, List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"));
    return this;
  }

  /** The command line as it will run. */
  public List<String> argv() {
    return List.copyOf(argv);
  }

  /**
   * Starts the command, waits for it and returns what it did. Failing to start (no such program)
   * is an {@link UncheckedIOException}; running past the timeout kills it and fails the test.
   */
  public Result run() {
    ProcessBuilder builder = new ProcessBuilder(argv);
    if (dir != null) {
      builder.directory(dir.toFile());
    }
    Process p;
    try {
      p = builder.start();
      p.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", argv), e);
    }
    // both pipes drain beside the wait, so a full pipe cannot block the child and a hang meets the timeout
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), Thread::startVirtualThread);
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), Thread::startVirtualThread);
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        Assertions.fail(String.join(" ", argv) + " ran longer than " + timeout);
      }
      return new Result(argv(), p.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + argv.getFirst(), e);
    }
  }

  private static byte[] drain(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a finished command did. */
  public record Result(List<String> argv, int exitCode, byte[] stdout, byte[] stderr) {
    /** Copies the command line. */
    public Result {
      argv = List.copyOf(argv);
    }

    /** stdout as UTF-8. */
    public String stdoutText() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    /** stderr as UTF-8. */
    public String stderrText() {
      return new String(stderr, StandardCharsets.UTF_8);
    }

    /** Whether the exit status is 0. */
    public boolean succeeded() {
      return exitCode == 0;
    }

    /** This result; fails the test with the command line and stderr unless the exit status is 0. */
    public Result requireSuccess() {
      if (exitCode != 0) {
        Assertions.fail(String.join(" ", argv) + " exited " + exitCode + ": " + stderrText() + stdoutText());
      }
      return this;
    }
  }
}
