package dev.strata.cli;

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
  void version_namesStrataAndJava() {
    CliRunner.Result result = CliRunner.run("--version");
    assertThat(result.status()).isZero();
    assertThat(result.out()).startsWith("strata ").contains("Java 25");
  }
}
