package dev.strata.cli;

import dev.strata.testkit.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.core.digest.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentCommandTest {
  @TempDir Path dir;
  private String root;
  private Path file;
  private byte[] data;

  @BeforeEach
  void makeFile() throws Exception {
    root = dir.resolve("store").toString();
    data = new byte[200_000];
    new Random(1).nextBytes(data);
    file = dir.resolve("blob.bin");
    Files.write(file, data);
  }

  private CliRunner.Result strata(String... args) {
    String[] full = new String[args.length + 2];
    full[0] = "--root";
    full[1] = root;
    System.arraycopy(args, 0, full, 2, args.length);
    return CliRunner.run(full);
  }

  @Test
  void ingest_printsTheDigest_andCatGivesTheBytesBack() {
    CliRunner.Result ingest = strata("content", "ingest", file.toString());
    assertThat(ingest.status()).isZero();
    assertThat(ingest.out().trim()).isEqualTo(Digest.sha256(data).toString());

    CliRunner.Result cat = strata("content", "cat", Digest.sha256(data).toString());
    assertThat(cat.rawOut()).isEqualTo(data);

    CliRunner.Result range = strata("content", "cat", Digest.sha256(data).toString(), "--offset", "10", "--length", "5");
    assertThat(range.rawOut()).isEqualTo(Arrays.copyOfRange(data, 10, 15));
  }

  @Test
  void ingest_withAWrongExpectedDigest_failsWithOneLine_andStoresNothing() {
    String wrong = Digest.sha256("other".getBytes()).toString();
    CliRunner.Result result = strata("content", "ingest", file.toString(), "--expected", wrong);
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err().lines().toList()).singleElement().asString().startsWith("strata: ").contains(wrong);
    assertThat(strata("content", "ls", "--json").out().trim()).isEqualTo("[ ]");
    assertThat(strata("content", "ingests", "--json").out().trim()).isEqualTo("[ ]");
  }

  @Test
  void badDigest_isOneLineWithoutStackTrace_unlessDebug() {
    CliRunner.Result result = strata("content", "info", "sha256:nothex");
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err()).startsWith("strata: invalid sha256 digest").contains("sha256:nothex").doesNotContain("at dev.strata");
    assertThat(strata("--debug", "content", "info", "sha256:nothex").err()).contains("at dev.strata");
  }

  @Test
  void missingBlob_isReportedAsNotFound() {
    String absent = Digest.sha256("absent".getBytes()).toString();
    CliRunner.Result result = strata("content", "rm", absent);
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err().trim()).isEqualTo("strata: blob " + absent + " not found");
  }

  @Test
  void labels_listAndInfo_speakJson() throws Exception {
    String digest = strata("content", "ingest", file.toString(), "--label", "team=a").out().trim();
    assertThat(strata("content", "label", digest, "gc.root=1", "team=").status()).isZero();
    JsonNode info = Output.JSON.readTree(strata("content", "info", digest, "--json").out());
    assertThat(info.get("size").asLong()).isEqualTo(data.length);
    assertThat(info.get("labels").get("gc.root").asText()).isEqualTo("1");
    assertThat(info.get("labels").has("team")).isFalse();
    JsonNode list = Output.JSON.readTree(strata("content", "ls", "--json", "--filter", "gc.root").out());
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("digest").asText()).isEqualTo(digest);
    assertThat(strata("content", "ls").out()).contains(digest).startsWith("DIGEST");
  }

  @Test
  void abort_removesANamedIngest() throws Exception {
    // an ingest interrupted half way (its writer closed without commit)
    try (dev.strata.core.Storage storage = dev.strata.core.Storage.open(Path.of(root));
        dev.strata.core.content.ContentWriter writer = storage.content().writer("kept")) {
      writer.write(data, 0, 1000);
    }
    JsonNode ingests = Output.JSON.readTree(strata("content", "ingests", "--json").out());
    assertThat(ingests).hasSize(1);
    assertThat(ingests.get(0).get("ref").asText()).isEqualTo("kept");
    assertThat(strata("content", "abort", "kept").status()).isZero();
    assertThat(strata("content", "ingests", "--json").out().trim()).isEqualTo("[ ]");
    assertThat(strata("content", "abort", "kept").err()).contains("ingest kept not found");
  }

  @Test
  void aNamedIngestFailingItsDigestCheck_isAbortedAtOnce_soTheNextAttemptStartsClean() {
    String wrong = Digest.sha256("other".getBytes()).toString();
    assertThat(strata("content", "ingest", file.toString(), "--ref", "R", "--expected", wrong).status()).isEqualTo(1);
    assertThat(strata("content", "ingests", "--json").out().trim()).isEqualTo("[ ]");
    CliRunner.Result retry = strata("content", "ingest", file.toString(), "--ref", "R", "--expected", Digest.sha256(data).toString());
    assertThat(retry.status()).isZero();
    assertThat(retry.out().trim()).isEqualTo(Digest.sha256(data).toString());
  }

  @Test
  void anIngestResumedFromAnotherFile_startsOver_sayingSo_andStoresThatFile() throws Exception {
    // BIG was being ingested under R when the process died at 1 MiB...
    byte[] big = new byte[4 << 20];
    new Random(2).nextBytes(big);
    Path bigFile = Files.write(dir.resolve("big.bin"), big);
    try (dev.strata.core.Storage storage = dev.strata.core.Storage.open(Path.of(root));
        dev.strata.core.content.ContentWriter writer =
            storage.content().writer("R", dev.strata.core.content.WriterOptions.defaults()
                .readingFrom(dev.strata.core.content.SourceIdentity.of(bigFile)))) {
      writer.write(big, 0, 1 << 20);
    }
    // ...and SMALL is ingested under the same ref: its own bytes are stored, not BIG's prefix
    CliRunner.Result small = strata("content", "ingest", file.toString(), "--ref", "R");
    assertThat(small.status()).isZero();
    assertThat(small.out().trim()).isEqualTo(Digest.sha256(data).toString());
    assertThat(small.err()).contains("ingest R").contains("another source").contains("starting over");
  }

  @Test
  void anIngestResumedFromTheSameFile_continuesSilently() throws Exception {
    try (dev.strata.core.Storage storage = dev.strata.core.Storage.open(Path.of(root));
        dev.strata.core.content.ContentWriter writer =
            storage.content().writer("R", dev.strata.core.content.WriterOptions.defaults()
                .readingFrom(dev.strata.core.content.SourceIdentity.of(file)))) {
      writer.write(data, 0, 100_000);
    }
    CliRunner.Result resumed = strata("content", "ingest", file.toString(), "--ref", "R");
    assertThat(resumed.out().trim()).isEqualTo(Digest.sha256(data).toString());
    assertThat(resumed.err()).doesNotContain("starting over");
  }

  @Test
  void twoProcessesIngestingTheSameExpectedDigest_bothSucceed_keepingOneCopy() throws Exception {
    byte[] big = new byte[48 << 20];
    new Random(3).nextBytes(big);
    Path bigFile = Files.write(dir.resolve("big.bin"), big);
    String digest = Digest.sha256(big).toString();
    Process first = strataProcess("content", "ingest", bigFile.toString(), "--expected", digest);
    Process second = strataProcess("content", "ingest", bigFile.toString(), "--expected", digest);
    String out1 = new String(first.getInputStream().readAllBytes());
    String out2 = new String(second.getInputStream().readAllBytes());
    assertThat(first.waitFor()).as("first: %s", out1).isZero();
    assertThat(second.waitFor()).as("second: %s", out2).isZero();
    assertThat(out1.trim()).isEqualTo(digest);
    assertThat(out2.trim()).isEqualTo(digest);
    assertThat(strata("content", "ls", "--json").out()).containsOnlyOnce(digest);
    assertThat(strata("content", "ingests", "--json").out().trim()).isEqualTo("[ ]");
  }

  private Process strataProcess(String... args) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("--root", root));
    command.addAll(Arrays.asList(args));
    return ChildJvm.start(Main.class, command.toArray(String[]::new)).process();
  }

  @Test
  void ingestWithALease_addsTheBlobToIt_soLeaseLsCountsIt_andGcKeepsIt() {
    assertThat(strata("lease", "create", "--id", "keep").status()).isZero();
    String digest = strata("content", "ingest", file.toString(), "--lease", "keep").out().trim();
    assertThat(strata("lease", "ls", "--json").out()).contains("\"resources\" : 1").contains("\"state\" : \"active\"");
    assertThat(strata("gc").status()).isZero();
    assertThat(strata("content", "info", digest).status()).isZero();
    assertThat(strata("lease", "rm", "keep").status()).isZero();
    assertThat(strata("gc").status()).isZero();
    assertThat(strata("content", "info", digest).status()).isEqualTo(1);
  }

  @Test
  void ingestWithALeaseThatDoesNotExist_failsNamingIt_andStoresNothing() {
    CliRunner.Result result = strata("content", "ingest", file.toString(), "--lease", "nope");
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err()).contains("lease nope not found");
    assertThat(strata("content", "ls", "--json").out().trim()).isEqualTo("[ ]");
  }

  @Test
  void leaseLs_marksExpiredLeases() throws Exception {
    strata("lease", "create", "--id", "short", "--expires-in", "PT0.05S");
    strata("lease", "create", "--id", "long", "--expires-in", "PT1H");
    Thread.sleep(100);
    String table = strata("lease", "ls").out();
    assertThat(table.lines().filter(l -> l.startsWith("short"))).singleElement().asString().contains("expired");
    assertThat(table.lines().filter(l -> l.startsWith("long"))).singleElement().asString().contains("active");
  }

  @Test
  void version_namesStrataAndJava() {
    CliRunner.Result result = CliRunner.run("--version");
    assertThat(result.status()).isZero();
    assertThat(result.out()).startsWith("strata ").contains("Java 25");
  }
}
