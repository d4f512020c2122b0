package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.Storage;
import dev.strata.core.lease.LeaseResource;
import dev.strata.snapshot.Snapshotter;
import dev.strata.snapshot.Snapshotters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --lease ID} on the commands that create things (issue 10): the lease then protects them. */
class LeaseOptionTest {
  @TempDir Path dir;
  private String root;

  @BeforeEach
  void makeTree() throws Exception {
    root = dir.resolve("store").toString();
    Files.createDirectories(dir.resolve("source/etc"));
    Files.writeString(dir.resolve("source/etc/os"), "base");
    assertThat(strata("lease", "create", "--id", "keep").status()).isZero();
  }

  private CliRunner.Result strata(String... args) {
    return CliRunner.inStore(java.nio.file.Path.of(root), args);
  }

  private List<LeaseResource> kept() throws Exception {
    try (Storage storage = Storage.open(Path.of(root))) {
      return storage.leases().resources("keep");
    }
  }

  @Test
  void importWithALease_addsEveryImportedBlob_andNoIngest() throws Exception {
    strata("image", "from-dir", dir.resolve("source").toString(), "example.com/base:1");
    Path archive = dir.resolve("base.tar");
    assertThat(strata("image", "export", "example.com/base:1", archive.toString(), "--format", "oci-archive").status()).isZero();
    root = dir.resolve("other").toString();
    strata("lease", "create", "--id", "keep");
    CliRunner.Result imported = strata("image", "import", archive.toString(), "--lease", "keep");
    assertThat(imported.status()).as(imported.err()).isZero();
    // manifest, config, layer (and the index of the archive, if the import stores one)
    assertThat(kept()).extracting(LeaseResource::type).containsOnly(LeaseResource.CONTENT).hasSizeGreaterThanOrEqualTo(3);
    assertThat(strata("lease", "ls", "--json").out()).contains("\"state\" : \"active\"");
  }

  @Test
  void fromDirUnpackAndCommitWithALease_addTheirBlobsAndSnapshots() throws Exception {
    CliRunner.Result made = strata("image", "from-dir", dir.resolve("source").toString(), "example.com/base:1", "--lease", "keep");
    assertThat(made.status()).as(made.err()).isZero();
    assertThat(kept()).extracting(LeaseResource::type).containsOnly(LeaseResource.CONTENT).hasSize(3);

    CliRunner.Result unpacked = strata("unpack", "example.com/base:1", "--snapshotter", "native", "--lease", "keep");
    assertThat(unpacked.status()).as(unpacked.err()).isZero();
    String top = unpacked.out().trim();
    assertThat(kept()).contains(LeaseResource.snapshot("native", top));
    assertThat(kept()).extracting(LeaseResource::id).noneMatch(id -> id.startsWith("extract-"));

    try (Storage storage = Storage.open(Path.of(root));
        Snapshotter snapshots = Snapshotters.open(storage, "native")) {
      Path fs = Path.of(snapshots.prepare("work", Optional.of(top)).get(0).source());
      Files.writeString(fs.resolve("etc/new"), "changed");
    }
    int before = kept().size();
    CliRunner.Result committed = strata("commit", "work", "example.com/changed:1", "--snapshotter", "native", "--lease", "keep", "--json");
    assertThat(committed.status()).as(committed.err()).isZero();
    assertThat(kept()).hasSize(before + 3); // the new layer, config and manifest
    assertThat(strata("lease", "ls").out()).contains("keep");
  }

  @Test
  void aCommandGivenALeaseThatDoesNotExist_failsNamingIt() {
    CliRunner.Result result = strata("image", "from-dir", dir.resolve("source").toString(), "example.com/base:1", "--lease", "nope");
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err()).contains("lease nope not found");
    assertThat(strata("image", "ls").out()).doesNotContain("example.com/base:1");
  }
}
