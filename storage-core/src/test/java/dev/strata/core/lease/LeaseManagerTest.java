package dev.strata.core.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.core.Storage;
import dev.strata.core.StorageConfig;
import dev.strata.core.digest.Digest;
import dev.strata.core.error.AlreadyExistsException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.error.NotFoundException;
import dev.strata.core.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaseManagerTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private Storage storage;
  private LeaseManager leases;

  @BeforeEach
  void open() throws Exception {
    storage = Storage.open(StorageConfig.at(dir).withClock(clock));
    leases = storage.leases();
  }

  @AfterEach
  void close() {
    storage.close();
  }

  @Test
  void create_recordsExpiryAndLabels_andRefusesTheSameIdTwice() throws Exception {
    Lease lease = leases.create("pull-1", Duration.ofMinutes(5), Map.of("who", "test"));
    assertThat(lease.expiresAt()).contains(Instant.parse("2025-01-01T00:05:00Z"));
    assertThat(leases.get("pull-1")).isEqualTo(lease);
    assertThatThrownBy(() -> leases.create("pull-1", Map.of())).isInstanceOf(AlreadyExistsException.class);
  }

  @Test
  void resources_areAddedOnce_listedSorted_andRemovedIdempotently() throws Exception {
    leases.create("work", Map.of());
    LeaseResource blob = LeaseResource.content(Digest.sha256(new byte[] {1}));
    LeaseResource snap = LeaseResource.snapshot("overlayfs", "key-1");
    leases.addResource("work", snap);
    leases.addResource("work", blob);
    leases.addResource("work", blob);
    assertThat(leases.resources("work")).containsExactly(blob, snap);
    leases.removeResource("work", blob);
    leases.removeResource("work", blob);
    assertThat(leases.resources("work")).containsExactly(snap);
  }

  @Test
  void delete_removesTheLeaseAndItsResources_andThenIsNotFound() throws Exception {
    leases.create("a", Map.of());
    leases.addResource("a", LeaseResource.ingest("ref"));
    leases.create("ab", Map.of());
    leases.addResource("ab", LeaseResource.ingest("other"));
    leases.delete("a");
    assertThat(leases.find("a")).isEmpty();
    assertThat(leases.resources("ab")).containsExactly(LeaseResource.ingest("other"));
    assertThatThrownBy(() -> leases.delete("a")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> leases.addResource("a", LeaseResource.ingest("x"))).isInstanceOf(NotFoundException.class);
  }

  @Test
  void deleteExpired_removesOnlyLeasesPastTheirExpiry() throws Exception {
    leases.create("short", Duration.ofMinutes(1), Map.of());
    leases.create("long", Duration.ofHours(1), Map.of());
    leases.create("forever", Map.of());
    clock.advance(Duration.ofMinutes(1));
    assertThat(leases.deleteExpired()).containsExactly("short");
    assertThat(leases.list()).extracting(Lease::id).containsExactly("forever", "long");
  }

  @Test
  void malformedIds_areInvalidArguments() {
    assertThatThrownBy(() -> leases.create("", Map.of())).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> leases.create("a/b", Map.of())).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> leases.create("x", Duration.ZERO, Map.of())).isInstanceOf(InvalidArgumentException.class);
  }
}
