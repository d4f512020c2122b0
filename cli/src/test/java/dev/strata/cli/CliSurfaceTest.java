package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.core.digest.Digest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edges a new user meets: roots, durations, tables, gc's summary, verified reads. */
class CliSurfaceTest {
  @TempDir Path dir;

  private CliRunner.Result strata(String... args) {
    return CliRunner.inStore(dir.resolve("store"), args);
  }

  @Test
  void anExplicitRootWhoseParentIsMissing_isAnErrorNamingIt() {
    Path root = dir.resolve("no/such/parent/store");
    CliRunner.Result result = CliRunner.run("--root", root.toString(), "image", "ls");
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err()).contains(root.getParent().toString(), "does not exist");
    assertThat(dir.resolve("no")).doesNotExist();
  }

  @Test
  void durations_readAsPeopleWriteThem() {
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.parse("PT1H30M")).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void leaseCreate_expiresInOneHour_andABadDurationListsTheForms() throws Exception {
    Instant before = Instant.now();
    assertThat(strata("lease", "create", "--id", "l1", "--expires-in", "1h").status()).isZero();
    JsonNode lease = Output.JSON.readTree(strata("lease", "ls", "--json").out()).get(0);
    Instant expires = Instant.parse(lease.get("expiresAt").asText());
    assertThat(expires).isBetween(before.plus(Duration.ofMinutes(59)), Instant.now().plus(Duration.ofMinutes(61)));

    CliRunner.Result bad = strata("lease", "create", "--expires-in", "1 fortnight");
    assertThat(bad.status()).isEqualTo(StrataCommand.EXIT_USAGE);
    assertThat(bad.err()).contains("90s, 30m, 1h, 2d", "ISO-8601").doesNotContain("java.", "Duration");
  }

  @Test
  void table_escapesControlCharacters_soANewlineNeverSplitsARow() {
    StringWriter out = new StringWriter();
    Output.table(new PrintWriter(out), List.of(List.of("KEY", "KIND"), List.of("a\nb\tc\u001b[31m", "active")));
    assertThat(out.toString().lines()).hasSize(2);
    assertThat(out.toString()).contains("a\\nb\\tc\\x1b[31m");
  }

  @Test
  void table_cutsLongCuttableColumns_toFitTheWidth() {
    StringWriter out = new StringWriter();
    String labels = "x".repeat(300);
    Output.table(new PrintWriter(out), List.of(List.of("NAME", "LABELS"), List.of("short", labels)), "LABELS");
    assertThat(out.toString().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(Output.TABLE_WIDTH));
    assertThat(out.toString()).contains("xxx...");
  }

  @Test
  void ago_saysHowLongAgoInWords() {
    Instant now = Instant.parse("2026-01-01T12:00:00Z");
    assertThat(Output.ago(now.minusSeconds(3 * 60 + 5), now)).isEqualTo("3 minutes ago");
    assertThat(Output.ago(now.minusSeconds(1), now)).isEqualTo("1 second ago");
    assertThat(Output.ago(now.minus(Duration.ofDays(2)), now)).isEqualTo("2 days ago");
    assertThat(Output.ago(now.minus(Duration.ofDays(21)), now)).isEqualTo("3 weeks ago");
  }

  @Test
  void gc_printsASummary_andTheListOnlyWhenVerbose() throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "garbage");
    assertThat(strata("content", "ingest", file.toString()).status()).isZero();
    CliRunner.Result dry = strata("gc", "--dry-run");
    assertThat(dry.status()).as(dry.err()).isZero();
    assertThat(dry.out().lines()).singleElement().asString().startsWith("would remove 1 blobs").contains("mark", "sweep");
    CliRunner.Result verbose = strata("gc", "--dry-run", "--verbose");
    assertThat(verbose.out().lines()).hasSize(2);
    assertThat(Output.JSON.readTree(strata("gc", "--json").out()).get("removed")).hasSize(1);
  }

  @Test
  void contentCatVerify_streamsTheBytes_andFailsAtTheEndOnAMismatch() throws Exception {
    byte[] data = new byte[200_000];
    new Random(7).nextBytes(data);
    Path file = dir.resolve("blob.bin");
    Files.write(file, data);
    Digest digest = Digest.sha256(data);
    strata("content", "ingest", file.toString());
    CliRunner.Result good = strata("content", "cat", "--verify", digest.toString());
    assertThat(good.status()).isZero();
    assertThat(good.rawOut()).isEqualTo(data);

    Path stored = dir.resolve("store/blobs/sha256/" + digest.encoded());
    try (var channel = Files.newByteChannel(stored, StandardOpenOption.WRITE)) {
      channel.position(100).write(java.nio.ByteBuffer.wrap(new byte[] {(byte) (data[100] + 1)}));
    }
    CliRunner.Result bad = strata("content", "cat", "--verify", digest.toString());
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.rawOut()).hasSize(data.length);
    assertThat(bad.err()).startsWith("strata: ").contains(digest.toString()).doesNotContain("I/O error");
  }
}
