package dev.strata.core.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.image.GcLabels;
import dev.strata.core.image.Image;
import dev.strata.core.oci.MediaTypes;
import dev.strata.core.oci.Platform;
import dev.strata.core.oci.PlatformMatcher;
import dev.strata.core.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Import without external tools: names, platforms, GC labels, idempotence. */
class ImageImportTest {
  @TempDir Path dir;
  private Storage storage;
  private LayoutBuilder layout;
  private final byte[] amdLayer = TestData.bytes(70_000, 1);
  private final byte[] armLayer = TestData.bytes(1_000, 2);

  @BeforeEach
  void open() throws Exception {
    storage = Storage.open(dir.resolve("store"));
    layout = new LayoutBuilder(dir.resolve("multi"));
  }

  @AfterEach
  void close() {
    storage.close();
  }

  /** An index with an amd64 and an arm64 manifest, tagged v2 in index.json. */
  private Digest multiArch() throws Exception {
    String amd = layout.image("amd64", amdLayer, "unused").replaceAll(",\"annotations\".*}$", "}");
    String arm = layout.image("arm64", armLayer, "unused").replaceAll(",\"annotations\".*}$", "}");
    amd = amd.substring(0, amd.length() - 1) + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}";
    arm = arm.substring(0, arm.length() - 1) + ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}";
    String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[" + amd + "," + arm + "]}";
    Digest d = layout.blob(index);
    layout.index(List.of("{\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"digest\":\"" + d + "\",\"size\":" + index.length()
        + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"v2\"}}"));
    return d;
  }

  @Test
  void importOfAnIndex_copiesOnlyTheChosenPlatform_andLabelsEveryEdge() throws Exception {
    Digest index = multiArch();
    ImportOptions options = ImportOptions.defaults().withPlatforms(PlatformMatcher.only(Platform.parse("linux/arm64")));
    Image image = new ImageImporter(storage).importFrom(layout.root, options).images().getFirst();

    assertThat(image.name()).isEqualTo("docker.io/library/multi:v2");
    assertThat(image.target().digest()).isEqualTo(index);
    assertThat(storage.content().exists(Digest.sha256(armLayer))).isTrue();
    assertThat(storage.content().exists(Digest.sha256(amdLayer))).isFalse();
    var indexLabels = storage.content().info(index).labels();
    assertThat(indexLabels).containsKeys(GcLabels.manifest(0), GcLabels.manifest(1));
    Digest armManifest = Digest.parse(indexLabels.get(GcLabels.manifest(1)));
    assertThat(storage.content().info(armManifest).labels())
        .containsEntry(GcLabels.layer(0), Digest.sha256(armLayer).toString())
        .containsKey(GcLabels.CONFIG);
  }

  @Test
  void importOfAnIndexWithNoManifestForThePlatform_isNotFound() throws Exception {
    multiArch();
    ImportOptions options = ImportOptions.defaults().withPlatforms(PlatformMatcher.only(Platform.parse("linux/s390x")));
    assertThatThrownBy(() -> new ImageImporter(storage).importFrom(layout.root, options))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("linux/s390x");
    assertThat(storage.images().list()).isEmpty();
  }

  @Test
  void nameOverride_namesTheSingleImage_andIsRefusedForSeveral() throws Exception {
    String a = layout.image("amd64", amdLayer, "a");
    layout.index(List.of(a));
    Image image = new ImageImporter(storage).importFrom(layout.root, ImportOptions.defaults().withName("example.com/x:1")).images().getFirst();
    assertThat(image.name()).isEqualTo("example.com/x:1");

    layout.index(List.of(a, layout.image("amd64", armLayer, "b")));
    assertThatThrownBy(() -> new ImageImporter(storage).importFrom(layout.root, ImportOptions.defaults().withName("y")))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void importingTwice_skipsEveryBlob_theSecondTime() throws Exception {
    layout.index(List.of(layout.image("amd64", amdLayer, "v1")));
    ImportResult first = new ImageImporter(storage).importFrom(layout.root, ImportOptions.defaults());
    ImportResult second = new ImageImporter(storage).importFrom(layout.root, ImportOptions.defaults());
    assertThat(first.blobsWritten()).isEqualTo(3);
    assertThat(second.blobsWritten()).isZero();
    assertThat(second.images()).extracting(Image::target).isEqualTo(first.images().stream().map(Image::target).toList());
  }

  @Test
  void aDirectoryThatIsNoImage_isMalformed() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> new ImageImporter(storage).importFrom(empty, ImportOptions.defaults()))
        .isInstanceOf(MalformedArchiveException.class);
  }
}
