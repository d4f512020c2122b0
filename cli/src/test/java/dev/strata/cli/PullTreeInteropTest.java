package dev.strata.cli;

import dev.strata.testkit.Umoci;
import dev.strata.testkit.Skopeo;
import dev.strata.testkit.Capabilities;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.digest.Digest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.distribution.testing.FaultProxy;
import dev.strata.snapshot.unpack.ResolvedImage;
import dev.strata.testkit.ChildJvm;
import dev.strata.testkit.DockerRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What strata pulls and unpacks from a registry is the tree {@code umoci unpack} makes of skopeo's
 * copy of the same image (issue 12), for an image umoci built in three layers with a deletion; and
 * the unpack overlaps the download: with the last layer's body held by a proxy, the first two
 * layers' snapshots are committed before it is let go.
 */
class PullTreeInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final DockerRegistry registry = DockerRegistry.open();

  @TempDir Path dir;

  @Test
  void pullWithUnpack_appliesEarlyLayersWhileTheLastDownloads_andMountsUmocisTree() throws Exception {
    Capabilities.requireRoot("mounts the pulled image");
    Capabilities.requireTool("umoci");
    Capabilities.requireTool("skopeo");
    String layout = dir.resolve("layout").toString();
    Umoci.run(dir, "init", "--layout", layout);
    Umoci.run(dir, "new", "--image", layout + ":v1");
    layer(layout, "b1", root -> {
      Files.createDirectories(root.resolve("etc/app"));
      Files.writeString(root.resolve("etc/app/config"), "first\n");
      Files.writeString(root.resolve("etc/app/gone"), "deleted by the next layer\n");
      Files.setPosixFilePermissions(Files.writeString(root.resolve("etc/app/run.sh"), "#!/bin/sh\n"), PosixFilePermissions.fromString("rwxr-x---"));
      Files.createSymbolicLink(root.resolve("etc/app/current"), Path.of("config"));
    });
    layer(layout, "b2", root -> {
      Files.delete(root.resolve("etc/app/gone"));
      Files.writeString(root.resolve("etc/app/config"), "second\n");
      Files.createDirectories(root.resolve("usr/share/app"));
      Files.write(root.resolve("usr/share/app/data"), new byte[100_000]);
    });
    layer(layout, "b3", root -> {
      byte[] noise = new byte[300_000]; // incompressible, so the held body is large
      new java.util.Random(3).nextBytes(noise);
      Files.write(root.resolve("usr/share/app/last"), noise);
    });
    String ref = registry.host() + "/tree/app:v1";
    Skopeo.run(dir, "--insecure-policy", "copy", "--dest-tls-verify=false", "oci:" + layout + ":v1", "docker://" + ref);
    String copy = dir.resolve("copy").toString();
    Skopeo.run(dir, "--insecure-policy", "copy", "--src-tls-verify=false", "docker://" + ref, "oci:" + copy + ":v1");
    Umoci.run(dir, "unpack", "--image", copy + ":v1", dir.resolve("expected").toString());

    String store = dir.resolve("store").toString();
    List<Digest> layers = layerDigests(Path.of(copy));
    List<Digest> chain = ResolvedImage.chainIds(diffIds(Path.of(copy)));
    try (FaultProxy proxy = new FaultProxy(registry.host())) {
      proxy.inject(new FaultProxy.Fault(FaultProxy.Kind.HOLD_AFTER, layers.getLast().toString(), 1, 0, Optional.empty(), 100));
      ref = proxy.host() + "/tree/app:v1";
      try (ChildJvm pull = ChildJvm.start(Main.class, "--root", store, "image", "pull", ref, "--unpack")) {
        for (int i = 0; i < chain.size() - 1; i++) {
          awaitCommitted(store, chain.get(i), pull);
        }
        assertThat(pull.process().isAlive()).as("the pull waits for the held last layer").isTrue();
        assertThat(committed(store, chain.getLast())).isFalse();
        proxy.release();
        assertThat(pull.waitFor(Duration.ofMinutes(5))).isZero();
      }
    }
    assertThat(committed(store, chain.getLast())).isTrue();
    Path mounted = dir.resolve("mounted");
    CliRunner.Result mount = CliRunner.run("--root", store, "mount", ref, mounted.toString());
    assertThat(mount.status()).as(mount.err()).isZero();
    try {
      assertThat(tree(mounted)).isEqualTo(tree(dir.resolve("expected/rootfs")));
      assertThat(tree(mounted)).containsKey("usr/share/app/data").doesNotContainKey("etc/app/gone");
    } finally {
      CliRunner.run("--root", store, "umount", mounted.toString());
    }
  }

  /**
   * Waits until snapshot {@code chainId} is committed; fails if the pull ends first, or if it is
   * not there after two minutes (an unpack that waits for every download never gets there, the
   * last layer being held).
   */
  private static void awaitCommitted(String store, Digest chainId, ChildJvm pull) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!committed(store, chainId)) {
      assertThat(pull.process().isAlive()).as("pull still running while layer " + chainId + " is not unpacked").isTrue();
      assertThat(System.nanoTime()).as("layer " + chainId + " unpacked while the last layer is held").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static boolean committed(String store, Digest chainId) {
    CliRunner.Result stat = CliRunner.run("--root", store, "snapshot", "stat", "--json", chainId.toString());
    return stat.status() == 0 && stat.out().toLowerCase(java.util.Locale.ROOT).contains("committed");
  }

  private static JsonNode blob(Path layout, String digest) throws IOException {
    return JSON.readTree(layout.resolve("blobs/sha256/" + digest.substring("sha256:".length())).toFile());
  }

  private static JsonNode manifest(Path layout) throws IOException {
    return blob(layout, JSON.readTree(layout.resolve("index.json").toFile()).get("manifests").get(0).get("digest").asText());
  }

  private static List<Digest> layerDigests(Path layout) throws IOException {
    List<Digest> digests = new ArrayList<>();
    manifest(layout).get("layers").forEach(l -> digests.add(Digest.parse(l.get("digest").asText())));
    return digests;
  }

  private static List<Digest> diffIds(Path layout) throws IOException {
    List<Digest> ids = new ArrayList<>();
    blob(layout, manifest(layout).get("config").get("digest").asText()).get("rootfs").get("diff_ids").forEach(d -> ids.add(Digest.parse(d.asText())));
    return ids;
  }

  private interface Change {
    void apply(Path rootfs) throws IOException;
  }

  /** Unpacks the image into a bundle, changes its rootfs, and repacks: one layer more. */
  private void layer(String layout, String bundle, Change change) throws Exception {
    Path b = dir.resolve(bundle);
    Umoci.run(dir, "unpack", "--image", layout + ":v1", b.toString());
    change.apply(b.resolve("rootfs"));
    Umoci.run(dir, "repack", "--image", layout + ":v1", b.toString());
  }

  /** Each path under {@code root}: type, mode, owner, and content hash or link target. */
  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(p -> !p.equals(root)).toList()) {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        String what;
        if (Files.isSymbolicLink(p)) {
          what = "-> " + Files.readSymbolicLink(p);
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          what = "dir";
        } else {
          what = Digest.sha256(Files.readAllBytes(p)).toString();
        }
        entries.put(root.relativize(p).toString(), Integer.toOctalString((Integer) a.get("mode")) + " " + a.get("uid") + ":" + a.get("gid") + " " + what);
      }
    }
    return entries;
  }
}
