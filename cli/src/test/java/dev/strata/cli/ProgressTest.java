package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.digest.Digest;
import dev.strata.core.oci.Descriptor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The meter drawn as a unit, on a fake terminal with a fake clock. */
class ProgressTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final AtomicLong nanos = new AtomicLong();

  private Progress board(boolean terminal) {
    return new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal, nanos::get);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void onATerminal_aRunningItemShowsBytesOfTotalRateAndEta_andLeavesASummary() {
    Progress progress = board(true);
    try (Progress.Item blob = progress.start("Copying blob 0123456789ab", 4 << 20)) {
      nanos.addAndGet(1_000_000_000L);
      blob.update(1 << 20);
      assertThat(printed()).contains("Copying blob 0123456789ab  1.0 MiB / 4.0 MiB (25%)  1.0 MiB/s  ETA 3s");
      blob.done("done");
    }
    String[] lines = printed().split("\n");
    assertThat(lines[lines.length - 1]).doesNotContain("MiB/s");
    assertThat(printed()).contains("Copying blob 0123456789ab done\033[K\n");
  }

  @Test
  void twoRunningItems_eachKeepALine() {
    Progress progress = board(true);
    Progress.Item a = progress.start("layer a", 100);
    Progress.Item b = progress.start("layer b", 100);
    nanos.addAndGet(200_000_000L);
    a.update(50);
    String last = printed().substring(printed().lastIndexOf("\033[2A"));
    assertThat(last).contains("layer a  50 B / 100 B (50%)", "layer b  0 B / 100 B (0%)");
    a.done("done");
    b.done("done");
  }

  @Test
  void redraws_atMostTenTimesASecond() {
    Progress progress = board(true);
    Progress.Item item = progress.start("x", 1000);
    int before = printed().length();
    item.update(1);
    item.update(2);
    nanos.addAndGet(10_000_000L);
    item.update(3);
    assertThat(printed().length()).isEqualTo(before);
  }

  @Test
  void aResumedItem_saysWhereItResumed_andCountsRateAndEtaFromThere() {
    Progress progress = board(true);
    Progress.Item blob = progress.start("Copying blob 0123456789ab", 4 << 20);
    blob.resumedAt(2 << 20);
    nanos.addAndGet(1_000_000_000L);
    blob.update(3 << 20);
    assertThat(printed()).contains("Copying blob 0123456789ab  3.0 MiB / 4.0 MiB (75%)  1.0 MiB/s  ETA 1s  (resumed at 2.0 MiB)");
    blob.done("done");
    assertThat(printed()).contains("Copying blob 0123456789ab done  (resumed at 2.0 MiB)\033[K\n");
  }

  @Test
  void blobProgress_saysExistsMountedFromAndDone_andASummary() {
    ImageCommand.BlobProgress blobs = new ImageCommand.BlobProgress(board(true), "Copying blob");
    Descriptor present = blob("present");
    Descriptor mounted = blob("mounted");
    Descriptor moved = blob("moved");

    blobs.finished(present, true); // a pull finds it in the store: it never starts
    blobs.started(mounted);
    blobs.mounted(mounted, "team/base");
    blobs.finished(mounted, true);
    blobs.started(moved);
    blobs.progress(moved, moved.size());
    blobs.finished(moved, false);
    blobs.summary("1 blobs fetched (3 B), 2 already there");

    assertThat(printed())
        .contains("Copying blob " + ImageDetails.shortId(present.digest()) + " exists\033[K\n")
        .contains("Copying blob " + ImageDetails.shortId(mounted.digest()) + " mounted from team/base\033[K\n")
        .contains("Copying blob " + ImageDetails.shortId(moved.digest()) + " done  5 B\033[K\n")
        .contains("1 blobs fetched (3 B), 2 already there\033[K\n");
    assertThat(printed()).doesNotContain(ImageDetails.shortId(mounted.digest()) + " exists");
  }

  private static Descriptor blob(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return new Descriptor("application/octet-stream", Digest.sha256(bytes), 5);
  }

  @Test
  void withoutATerminal_nothingIsPrinted() {
    Progress progress = board(false);
    try (Progress.Item item = progress.start("Copying blob x", 10)) {
      nanos.addAndGet(1_000_000_000L);
      item.update(5);
      item.done("done");
    }
    assertThat(bytes.size()).isZero();
  }

  @Test
  void theProcessBoard_isOffWhenStderrIsNoTerminal() {
    // surefire's forked JVM writes stderr to a pipe: the real check must see no terminal
    assertThat(Progress.stderr(false).enabled()).isFalse();
  }
}
