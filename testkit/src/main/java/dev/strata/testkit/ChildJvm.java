package dev.strata.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running a test main class on this JVM's class path, for tests that need another
 * process on the same store: concurrent writers, kill -9 mid-ingest. It reports progress by
 * printing lines, which {@link #awaitLine} reads. The child gets the JVM flags strata needs
 * (the parent pom's {@code strata.jvm.opens}: lmdbjava's opens, native access).
 */
public final class ChildJvm implements AutoCloseable {
  private static final List<String> FLAGS =
      List.of(
          "--add-opens", "java.base/java.nio=ALL-UNNAMED",
          "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens", "java.base/sun.security.provider=ALL-UNNAMED",
          "--enable-native-access=ALL-UNNAMED",
          "--sun-misc-unsafe-memory-access=allow");

  private final Process process;
  private final BufferedReader stdout;

  private ChildJvm(Process process) {
    this.process = process;
    this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Starts {@code main} with {@code args}; its stderr goes to ours. */
  public static ChildJvm start(Class<?> main, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(FLAGS);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ChildJvm(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  /** The child process, for a test that reads its stdout itself or waits for its exit status. */
  public Process process() {
    return process;
  }

  /** Reads lines until one starts with {@code prefix} and returns it. */
  public String awaitLine(String prefix) throws IOException {
    String line;
    while ((line = stdout.readLine()) != null) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IOException("child exited (status " + waitFor(Duration.ofSeconds(5)) + ") before printing " + prefix);
  }

  /** Sends SIGKILL and waits for the process to be gone. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Waits up to {@code timeout} and returns the exit status (-1 when still running). */
  public int waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Kills the child when it still runs. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
  }
}
