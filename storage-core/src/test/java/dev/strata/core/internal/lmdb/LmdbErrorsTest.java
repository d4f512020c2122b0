package dev.strata.core.internal.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.testkit.Capabilities;
import dev.strata.testkit.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the binding's error codes come out: grown through, adopted, or said as an IOException. */
class LmdbErrorsTest {
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aValueLargerThanTheWholeMap_growsTheMapAndIsStored() throws IOException {
    try (Lmdb lmdb = Lmdb.open(dir, 1 << 20)) {
      Lmdb.Table table = lmdb.table("t");
      byte[] value = new byte[3 << 20];
      value[value.length - 1] = 7;

      lmdb.write(txn -> {
        txn.put(table, bytes("big"), value);
        return null;
      });

      byte[] read = lmdb.read(txn -> txn.get(table, bytes("big")));
      assertThat(read).isEqualTo(value);
      assertThat(lmdb.mapSize()).isGreaterThan(3L << 20);
    }
  }

  @Test
  void aMapGrownByAnotherProcess_isAdopted_andItsRowsAreRead() throws Exception {
    try (Lmdb lmdb = Lmdb.open(dir, 1 << 20)) {
      Lmdb.Table table = lmdb.table("t");
      long before = lmdb.mapSize();

      try (ChildJvm child = ChildJvm.start(GrowingWriter.class, dir.toString())) {
        child.awaitLine("written");
        assertThat(child.waitFor(Duration.ofSeconds(60))).isZero();
      }

      int rows = lmdb.read(txn -> txn.scan(table, bytes("k")).size());
      assertThat(rows).isEqualTo(GrowingWriter.ROWS);
      assertThat(lmdb.mapSize()).isGreaterThan(before);
      lmdb.write(txn -> {
        txn.put(table, bytes("after"), bytes("x"));
        return null;
      });
    }
  }

  /** Writes {@link #ROWS} rows of 8 KiB into the environment in args[0]: 4 MB, past a 1 MiB map. */
  public static final class GrowingWriter {
    static final int ROWS = 500;

    public static void main(String[] args) throws IOException {
      try (Lmdb lmdb = Lmdb.open(Path.of(args[0]), 1 << 20)) {
        Lmdb.Table table = lmdb.table("t");
        lmdb.write(txn -> {
          for (int i = 0; i < ROWS; i++) {
            txn.put(table, bytes("k" + i), new byte[8192]);
          }
          return null;
        });
      }
      System.out.println("written");
    }
  }

  @Test
  void aDataFileThatIsNotLmdbs_failsTheOpen_namingTheCallAndTheDirectory() throws IOException {
    Files.write(dir.resolve("data.mdb"), new byte[64 * 1024]);

    assertThatThrownBy(() -> Lmdb.open(dir))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("metadata store: cannot open LMDB environment in " + dir + ": mdb_env_open: ")
        .hasMessageContaining("MDB_INVALID");
  }

  @Test
  void workThatThrows_abortsItsWrites() throws IOException {
    try (Lmdb lmdb = Lmdb.open(dir)) {
      Lmdb.Table table = lmdb.table("t");

      assertThatThrownBy(() -> lmdb.write(txn -> {
        txn.put(table, bytes("k"), bytes("v"));
        throw new IOException("the work failed");
      })).hasMessage("the work failed");

      byte[] read = lmdb.read(txn -> txn.get(table, bytes("k")));
      assertThat(read).isNull();
    }
  }

  @Test
  void deleteAndGet_ofAnAbsentKey_sayAbsence() throws IOException {
    try (Lmdb lmdb = Lmdb.open(dir)) {
      Lmdb.Table table = lmdb.table("t");

      boolean deleted = lmdb.write(txn -> txn.delete(table, bytes("nothing")));
      byte[] read = lmdb.read(txn -> txn.get(table, bytes("nothing")));
      assertThat(deleted).isFalse();
      assertThat(read).isNull();
    }
  }

  @Test
  void aWriteOnAFullDisk_saysNoSpaceLeft_namingTheDataFileAndTheStore() throws Exception {
    Capabilities.requireRoot("mounting a tmpfs");
    Path small = Files.createDirectories(dir.resolve("small"));
    run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString());
    try {
      Path meta = small.resolve("store").resolve("meta");
      try (Lmdb lmdb = Lmdb.open(meta)) {
        Lmdb.Table table = lmdb.table("t");
        assertThatThrownBy(() -> {
          for (int i = 0; i < 64; i++) {
            int n = i;
            lmdb.write(txn -> {
              txn.put(table, bytes("k" + n), new byte[64 * 1024]);
              return null;
            });
          }
        })
            .isInstanceOf(IOException.class)
            .hasMessageStartingWith("no space left on device writing " + meta.resolve("data.mdb"))
            .hasMessageContaining("(store " + meta.getParent() + ")");
      }
    } finally {
      run("umount", small.toString());
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
  }
}
