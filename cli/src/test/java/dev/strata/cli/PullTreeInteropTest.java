package dev.strata.cli;

import dev.strata.testkit.Umoci;
import dev.strata.testkit.Skopeo;
import dev.strata.testkit.Capabilities;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.core.digest.Digest;
import dev.strata.testkit.DockerRegistry;
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
 * copy of the same image (issue 12), for an image umoci built in two layers with a deletion.
 */
class PullTreeInteropTest {
  @RegisterExtension static final DockerRegistry registry = DockerRegistry.open();

  @TempDir Path dir;

  @Test
  void pullWithUnpack_mounted_equalsUmociUnpackOfSkopeosCopy() throws Exception {
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
    String ref = registry.host() + "/tree/app:v1";
    Skopeo.run(dir, "--insecure-policy", "copy", "--dest-tls-verify=false", "oci:" + layout + ":v1", "docker://" + ref);
    String copy = dir.resolve("copy").toString();
    Skopeo.run(dir, "--insecure-policy", "copy", "--src-tls-verify=false", "docker://" + ref, "oci:" + copy + ":v1");
    Umoci.run(dir, "unpack", "--image", copy + ":v1", dir.resolve("expected").toString());

    String store = dir.resolve("store").toString();
    CliRunner.Result pulled = CliRunner.run("--root", store, "image", "pull", ref, "--unpack");
    assertThat(pulled.status()).as(pulled.err()).isZero();
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
