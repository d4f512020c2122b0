package dev.strata.core.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.content.ContentInfo;
import dev.strata.core.content.LabelFilter;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.DigestMismatchException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.error.SizeMismatchException;
import dev.strata.core.error.StrataException;
import dev.strata.core.oci.ContentTooLargeException;
import dev.strata.core.oci.MalformedContentException;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.UnsupportedMediaTypeException;
import dev.strata.core.testing.MutableClock;
import dev.strata.core.testing.TestData;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each bad input fails with a typed error naming the culprit, creates no image record, and leaves
 * only blobs that the import's lease protects, so once the lease expires nothing references them.
 */
class ImageImportBadInputTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private Storage storage;
  private LayoutBuilder layout;
  private final byte[] layer = TestData.bytes(100_000, 3);

  @BeforeEach
  void open() throws Exception {
    storage = Storage.open(StorageConfig.at(dir.resolve("store")).withClock(clock));
    layout = new LayoutBuilder(dir.resolve("layout"));
  }

  @AfterEach
  void close() {
    storage.close();
  }

  private StrataException importFails(Path source) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
        () -> new ImageImporter(storage).importFrom(source, ImportOptions.defaults()));
    assertThat(thrown).isInstanceOf(StrataException.class);
    return (StrataException) thrown;
  }

  /**
   * No record, no ingest, and no lease: a failed import deletes its own lease, so whatever blobs
   * it stored are garbage to the next collection at once (issue 9), not after the lease's hour.
   */
  private void assertFailureLeavesNothingProtected() throws Exception {
    assertThat(storage.images().list()).isEmpty();
    assertThat(storage.content().ingests()).as("no ingest left behind").isEmpty();
    assertThat(storage.leases().list()).as("the failed import deleted its lease").isEmpty();
  }

  @Test
  void truncatedArchive_isMalformed_andNamesTheArchive() throws Exception {
    layout.index(List.of(layout.image("amd64", layer, "v1")));
    Path archive = dir.resolve("cut.tar");
    layout.tar(archive);
    try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
      f.setLength(f.length() - 60_000);
    }
    StrataException e = importFails(archive);
    assertThat(e).isInstanceOf(MalformedArchiveException.class);
    assertThat(e.getMessage()).contains("cut.tar");
    assertFailureLeavesNothingProtected();
  }

  @Test
  void memberWithDotDot_isUnsafe_andNamesTheMember() throws Exception {
    layout.index(List.of(layout.image("amd64", layer, "v1")));
    Path archive = dir.resolve("evil.tar");
    layout.tar(archive, "blobs/../../evil");
    StrataException e = importFails(archive);
    assertThat(e).isInstanceOf(UnsafePathException.class);
    assertThat(e.subject()).isEqualTo("blobs/../../evil");
    assertFailureLeavesNothingProtected();
  }

  @Test
  void memberWithAbsolutePath_isUnsafe_andNamesTheMember() throws Exception {
    layout.index(List.of(layout.image("amd64", layer, "v1")));
    Path archive = dir.resolve("abs.tar");
    layout.tar(archive, "/etc/evil");
    StrataException e = importFails(archive);
    assertThat(e).isInstanceOf(UnsafePathException.class);
    assertThat(e.getMessage()).contains("/etc/evil");
    assertFailureLeavesNothingProtected();
  }

  @Test
  void blobWhoseDigestLies_failsWithDigestMismatch_namingTheBlob() throws Exception {
    layout.index(List.of(layout.image("amd64", layer, "v1")));
    Digest l = Digest.sha256(layer);
    byte[] forged = layer.clone();
    forged[500] ^= 1;
    Files.write(layout.root.resolve("blobs/sha256/" + l.encoded()), forged);
    StrataException e = importFails(layout.root);
    assertThat(e).isInstanceOf(DigestMismatchException.class);
    assertThat(e.subject()).isEqualTo(l.toString());
    assertThat(e.getMessage()).contains("blobs/sha256/" + l.encoded());
    assertFailureLeavesNothingProtected();
  }

  @Test
  void blobWhoseSizeLies_failsWithSizeMismatch_namingTheBlob() throws Exception {
    Digest l = layout.blob(layer);
    String config = LayoutBuilder.config("amd64", List.of(l));
    Digest c = layout.blob(config);
    String m = LayoutBuilder.manifest(
        LayoutBuilder.descriptor(MediaTypes.OCI_CONFIG, c, config.length()),
        List.of(LayoutBuilder.descriptor(MediaTypes.OCI_LAYER, l, layer.length - 1)));
    Digest md = layout.blob(m);
    layout.index(List.of(LayoutBuilder.descriptor(MediaTypes.OCI_MANIFEST, md, m.length())));
    StrataException e = importFails(layout.root);
    assertThat(e).isInstanceOf(SizeMismatchException.class);
    assertThat(e.subject()).isEqualTo(l.toString());
    assertFailureLeavesNothingProtected();
  }

  @Test
  void manifestPointingAtAMissingBlob_isNotFound_namingTheBlob() throws Exception {
    layout.index(List.of(layout.image("amd64", layer, "v1")));
    Digest l = Digest.sha256(layer);
    Files.delete(layout.root.resolve("blobs/sha256/" + l.encoded()));
    StrataException e = importFails(layout.root);
    assertThat(e).isInstanceOf(NotFoundException.class);
    assertThat(e.subject()).isEqualTo(l.toString());
    assertThat(e.getMessage()).contains("missing");
    assertFailureLeavesNothingProtected();
  }

  @Test
  void giantManifest_isRefusedBeforeItIsRead() throws Exception {
    byte[] giant = ("{\"schemaVersion\":2,\"x\":\"" + "a".repeat(5 << 20) + "\"}").getBytes(StandardCharsets.UTF_8);
    Digest g = layout.blob(giant);
    layout.index(List.of(LayoutBuilder.descriptor(MediaTypes.OCI_MANIFEST, g, giant.length)));
    StrataException e = importFails(layout.root);
    assertThat(e).isInstanceOf(ContentTooLargeException.class);
    assertThat(e.subject()).isEqualTo(g.toString());
    assertFailureLeavesNothingProtected();
  }

  @Test
  void giantIndexJson_isRefused() throws Exception {
    Files.writeString(layout.root.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[],\"x\":\"" + "a".repeat(5 << 20) + "\"}");
    StrataException e = importFails(layout.root);
    assertThat(e).isInstanceOf(ContentTooLargeException.class);
    assertThat(e.getMessage()).contains("index.json");
    assertFailureLeavesNothingProtected();
  }

  @Test
  void indexThatRefersToItself_isMalformed_namingTheIndex() throws Exception {
    // a real index cannot contain its own digest; a forged one claims to
    Digest claimed = Digest.sha256("forged".getBytes(StandardCharsets.UTF_8));
    String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
        + LayoutBuilder.descriptor(MediaTypes.OCI_INDEX, claimed, 999) + "]}";
    Files.writeString(layout.root.resolve("blobs/sha256/" + claimed.encoded()), index);
    layout.index(List.of(LayoutBuilder.descriptor(MediaTypes.OCI_INDEX, claimed, index.length())));
    StrataException e = importFails(layout.root);
    assertThat(e).isInstanceOf(MalformedContentException.class);
    assertThat(e.subject()).isEqualTo(claimed.toString());
    assertThat(e.getMessage()).contains("refers to itself");
    assertFailureLeavesNothingProtected();
  }

  @Test
  void unknownMediaTypeOfAnImage_isUnsupported_namingTheTypeAndBlob() throws Exception {
    Digest thing = layout.blob("{}");
    layout.index(List.of(LayoutBuilder.descriptor("application/vnd.example.thing+json", thing, 2)));
    StrataException e = importFails(layout.root);
    assertThat(e).isInstanceOf(UnsupportedMediaTypeException.class);
    assertThat(e.subject()).isEqualTo(thing.toString());
    assertThat(e.getMessage()).contains("application/vnd.example.thing+json");
    assertFailureLeavesNothingProtected();
  }

  @Test
  void manifestWithoutConfig_isMalformed_namingTheManifest() throws Exception {
    String m = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"layers\":[]}";
    Digest md = layout.blob(m);
    layout.index(List.of(LayoutBuilder.descriptor(MediaTypes.OCI_MANIFEST, md, m.length())));
    StrataException e = importFails(layout.root);
    assertThat(e).isInstanceOf(MalformedContentException.class);
    assertThat(e.getMessage()).contains(md.toString()).contains("config");
    assertFailureLeavesNothingProtected();
  }

  @Test
  void failureAfterSomeBlobsWereWritten_leavesThemUnprotected_forTheNextCollection() throws Exception {
    // the first image is fine and fully written; the second one's layer is missing
    String good = layout.image("amd64", layer, "good");
    byte[] other = TestData.bytes(5_000, 9);
    String bad = layout.image("amd64", other, "bad");
    Files.delete(layout.root.resolve("blobs/sha256/" + Digest.sha256(other).encoded()));
    layout.index(List.of(good, bad));
    importFails(layout.root);
    assertThat(storage.content().list(LabelFilter.all())).isNotEmpty();
    assertFailureLeavesNothingProtected();
  }
}
