package dev.strata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class CapabilitiesTest {
  @Test
  void require_whenTheConditionHolds_letsTheTestRun() {
    Capabilities.require(true, "never shown");
  }

  @Test
  void require_whenMissing_skipsWithTheReason_butFailsUnderCi() {
    Class<? extends Throwable> expected = Capabilities.inCi() ? AssertionError.class : TestAbortedException.class;
    assertThatThrownBy(() -> Capabilities.require(false, "needs a unicorn"))
        .isInstanceOf(expected)
        .hasMessageContaining("needs a unicorn");
  }

  @Test
  void requireTool_ofAProgramThatIsNotInstalled_namesItsPackage() {
    assertThatThrownBy(() -> Capabilities.requireTool("strata-no-such-tool", "strata-unicorn"))
        .hasMessageContaining("strata-no-such-tool is not installed (apt-get install strata-unicorn)");
  }

  @Test
  void hasTool_findsTheShellOnThePath() {
    assertThat(Capabilities.hasTool("sh")).isTrue();
  }

  @Test
  void isRoot_agreesWithTheOwnerOfTheJvmsFiles() throws Exception {
    java.nio.file.Path mine = java.nio.file.Files.createTempFile("strata-testkit", ".tmp");
    try {
      int uid = (Integer) java.nio.file.Files.getAttribute(mine, "unix:uid");
      assertThat(Capabilities.isRoot()).isEqualTo(uid == 0);
    } finally {
      java.nio.file.Files.delete(mine);
    }
  }
}
