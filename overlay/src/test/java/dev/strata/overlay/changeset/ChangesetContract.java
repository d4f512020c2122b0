package dev.strata.overlay.changeset;

import dev.strata.testkit.FileTree;
import dev.strata.testkit.GnuTar;
import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.overlay.testing.RandomTrees;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import org.junit.jupiter.api.Nested;

/**
 * What every pair of a {@link LayerApplier} and a {@link LayerDiffer} must do, as containerd's
 * snapshotter suite does for backends: a test class extends this and supplies the two; it runs
 * <ul>
 *   <li>the round trip (here): for random trees and random change sets, applying the layer the
 *       double walk writes onto a copy of the lower tree gives exactly the upper tree; the same
 *       trees always give the same bytes; GNU tar reads them without a word;
 *   <li>{@link Whiteouts}: whiteouts in both formats ({@link WhiteoutChecks});
 *   <li>{@link HostileEntries}: breakouts and tricky layers ({@link HostileEntryChecks}).
 * </ul>
 * The round trip is a jqwik property, so it is a method of this class (jqwik does not run
 * JUnit's {@code @Nested}); the other parts are JUnit classes nested here.
 */
public abstract class ChangesetContract {
  /** The applier under test; called once per use, so it may return a new one. */
  protected abstract LayerApplier applier();

  /** The differ under test; called once per use, so it may return a new one. */
  protected abstract LayerDiffer differ();

  /** {@link WhiteoutChecks} against this contract's applier. */
  @Nested
  class Whiteouts extends WhiteoutChecks {
    @Override
    LayerApplier applier() {
      return ChangesetContract.this.applier();
    }
  }

  /** {@link HostileEntryChecks} against this contract's applier. */
  @Nested
  class HostileEntries extends HostileEntryChecks {
    @Override
    LayerApplier applier() {
      return ChangesetContract.this.applier();
    }
  }

  @Property(tries = 40, shrinking = ShrinkingMode.OFF)
  void diffThenApply_ontoACopyOfTheLower_givesExactlyTheUpper(@ForAll long seed) throws Exception {
    Path base = Files.createTempDirectory("strata-diff");
    try {
      Path lower = Files.createDirectory(base.resolve("lower"));
      Path upper = base.resolve("upper");
      Path target = base.resolve("target");
      RandomTrees random = new RandomTrees(seed, Capabilities.isRoot(), true);
      random.populate(lower);
      Command.run(base, "cp", "-a", lower.toString(), upper.toString());
      Command.run(base, "cp", "-a", lower.toString(), target.toString());
      List<String> log = random.change(upper);

      byte[] layer = diff(lower, upper);
      applier().apply(new ByteArrayInputStream(layer), target, ApplyOptions.defaults());

      assertThat(FileTree.differences(upper, target)).as("changes: %s", log).isEmpty();
      assertThat(diff(lower, upper)).as("same trees, same bytes").isEqualTo(layer);
      Path file = base.resolve("layer.tar");
      Files.write(file, layer);
      Command.Result listing = GnuTar.command("-tvf", file.toString()).run();
      assertThat(listing.exitCode()).isZero();
      assertThat(listing.stderrText()).as("GNU tar -tvf stderr").isEmpty();
    } finally {
      Command.run(Path.of("/"), "rm", "-rf", base.toString());
    }
  }

  private byte[] diff(Path lower, Path upper) throws Exception {
    return diff(differ(), lower, upper);
  }

  /** The layer {@code differ} writes for {@code lower} -> {@code upper} with the default options. */
  static byte[] diff(LayerDiffer differ, Path lower, Path upper) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    differ.diff(lower, upper, out, DiffOptions.defaults());
    return out.toByteArray();
  }
}
