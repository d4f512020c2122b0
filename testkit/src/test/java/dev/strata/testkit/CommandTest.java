package dev.strata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandTest {
  @TempDir Path dir;

  @Test
  void run_capturesStdoutStderrAndTheExitStatus_separately() {
    Command.Result r = Command.of("sh", "-c", "printf out; printf err >&2; exit 3").in(dir).run();
    assertThat(r.stdoutText()).isEqualTo("out");
    assertThat(r.stderrText()).isEqualTo("err");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.succeeded()).isFalse();
  }

  @Test
  void run_inADirectory_runsThere() {
    assertThat(Command.run(dir, "pwd").strip()).isEqualTo(dir.toString());
  }

  @Test
  void requireSuccess_ofAFailedCommand_failsTheTestWithItsStderr() {
    assertThatThrownBy(() -> Command.run(dir, "sh", "-c", "echo broken >&2; exit 1"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("exited 1")
        .hasMessageContaining("broken");
  }

  @Test
  void run_pastItsTimeout_killsTheCommandAndFails() {
    assertThatThrownBy(() -> Command.of("sleep", "60").timeout(Duration.ofMillis(200)).run())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("ran longer than");
  }

  @Test
  void asUser_runsTheCommandWithThatUidAndNoGroups() {
    Capabilities.requireRoot("setpriv changes the uid");
    Capabilities.requireTool("setpriv", "util-linux");
    assertThat(Command.of("id", "-u").asUser(65534).run().requireSuccess().stdoutText().strip()).isEqualTo("65534");
    assertThat(Command.of("id", "-G").asUser(65534).run().requireSuccess().stdoutText().strip()).isEqualTo("65534");
  }
}
