package dev.strata.core.internal.lmdb;

import dev.strata.core.spi.Entry;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmdbTest {
  @TempDir Path dir;

  @Test
  void writesBeyondTheInitialMap_growItWithoutFailing() throws IOException {
    try (Lmdb lmdb = Lmdb.open(dir, 1 << 20)) {
      Lmdb.Table table = lmdb.table("t");
      byte[] value = new byte[8192];
      for (int batch = 0; batch < 40; batch++) {
        int b = batch;
        lmdb.write(
            txn -> {
              for (int i = 0; i < 100; i++) {
                txn.put(table, ("k" + b + "-" + i).getBytes(StandardCharsets.UTF_8), value);
              }
              return null;
            });
      }
      int rows = lmdb.read(txn -> txn.scan(table, "k".getBytes(StandardCharsets.UTF_8)).size());
      assertThat(rows).isEqualTo(4000);
      assertThat(lmdb.usedBytes()).isGreaterThan(4000L * 8192);
    }
  }

  @Test
  void scan_returnsOnlyThePrefix_inKeyOrder() throws IOException {
    try (Lmdb lmdb = Lmdb.open(dir)) {
      Lmdb.Table table = lmdb.table("t");
      lmdb.write(
          txn -> {
            for (String k : new String[] {"b/2", "a/1", "b/1", "c"}) {
              txn.put(table, k.getBytes(StandardCharsets.UTF_8), new byte[] {1});
            }
            return null;
          });
      java.util.List<Entry> entries = lmdb.read(txn -> txn.scan(table, "b/".getBytes(StandardCharsets.UTF_8)));
      assertThat(entries)
          .extracting(e -> new String(e.key(), StandardCharsets.UTF_8))
          .containsExactly("b/1", "b/2");
    }
  }
}
