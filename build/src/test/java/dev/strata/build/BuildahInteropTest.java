package dev.strata.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.build.testing.TinyImage;
import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import dev.strata.testkit.FileTree;
import dev.strata.testkit.FileTree.Aspect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * buildah is the oracle: the same Dockerfile built by both, from the same tiny base, gives the
 * same tree (both unpacked by umoci, compared without times) and the same config fields.
 */
class BuildahInteropTest {
  /** What buildah leaves as empty mount points in its images and Docker (and strata) do not. */
  private static final List<String> BUILDAH_MOUNT_POINTS = List.of("etc/hostname", "etc/hosts", "etc/resolv.conf", "dev", "proc", "sys", "run");
  private static final Set<Aspect> ASPECTS = EnumSet.of(Aspect.TYPE, Aspect.MODE, Aspect.OWNER, Aspect.SIZE, Aspect.CONTENT, Aspect.LINK_TARGET);
  private static final List<String> CONFIG_FIELDS =
      List.of("Env", "Entrypoint", "Cmd", "WorkingDir", "User", "Labels", "ExposedPorts", "Volumes", "StopSignal");

  @TempDir Path dir;
  private BuildFixture fx;
  private Path buildahRoot;

  @BeforeEach
  void open() throws IOException {
    Capabilities.requireTool("buildah", "buildah");
    Capabilities.requireTool("umoci", "umoci");
    fx = new BuildFixture(dir);
    buildahRoot = Files.createDirectories(dir.resolve("buildah"));
    Path base = Files.createDirectories(dir.resolve("base"));
    TinyImage.tree(Files.createDirectories(base.resolve("rootfs")));
    Files.writeString(base.resolve("Dockerfile"), "FROM scratch\nCOPY rootfs/ /\n");
    buildah("build", "-q", "-t", "tiny", base.toString());
  }

  @AfterEach
  void close() throws IOException {
    if (fx != null) {
      fx.close();
      Command.run(dir, "buildah", "--root", buildahRoot.resolve("root").toString(), "--runroot", buildahRoot.resolve("run").toString(),
          "--storage-driver", "vfs", "rm", "--all");
    }
  }

  @Test
  void aMultiStageBuild_givesBuildahsTreeAndConfig() throws IOException {
    Files.writeString(fx.context.resolve("a.txt"), "hello\n");
    Files.createDirectories(fx.context.resolve("dir/nested"));
    Files.writeString(fx.context.resolve("dir/nested/b.txt"), "bee\n");
    fx.dockerfile("""
        FROM tiny AS builder
        RUN mkdir -p /out && echo built > /out/artifact && id -u > /out/uid
        FROM tiny
        COPY --from=builder /out /opt/out
        COPY a.txt /etc/a.txt
        COPY dir/ /srv/
        WORKDIR /app/sub
        USER nobody
        RUN id -u > /tmp/u && pwd > /tmp/pwd
        USER root
        SHELL ["/bin/sh", "-e", "-c"]
        RUN echo shell > /shell
        ENV A=1 B="two words"
        LABEL l1=v1 "l 2"="v 2"
        EXPOSE 80 53/udp
        VOLUME /data
        STOPSIGNAL SIGINT
        ENTRYPOINT ["sh", "-c"]
        CMD ["echo hi"]
        """);
    fx.build(o -> o.withTags(List.of("out")));
    buildah("build", "-q", "--network", "none", "-t", "out", fx.context.toString());

    Path strataTree = strataTree("out");
    Path buildahTree = buildahTree("out");
    assertThat(strataTree.resolve("tmp/u")).hasContent("65534");
    assertThat(strataTree.resolve("tmp/pwd")).hasContent("/app/sub");
    assertThat(FileTree.differences(FileTree.scan(buildahTree), FileTree.scan(strataTree), ASPECTS)).isEmpty();

    JsonNode ours = fx.json(fx.storage.images().get("out").target().digest());
    JsonNode config = fx.json(dev.strata.core.digest.Digest.parse(ours.at("/config/digest").asText())).get("config");
    JsonNode theirs = buildahConfig("out");
    for (String field : CONFIG_FIELDS) {
      assertThat(config.path(field)).as(field).isEqualTo(theirs.path(field));
    }
  }

  @Test
  void addOfPlainGzipBzip2XzAndZstdTars_extractsThemAsBuildahDoes_keepingTheArchivesOwnersDespiteChown() throws IOException {
    Path src = Files.createDirectories(dir.resolve("tar-src"));
    Files.createDirectories(src.resolve("pkg/bin"));
    Files.writeString(src.resolve("pkg/bin/tool"), "#!/bin/sh\n");
    Files.writeString(src.resolve("pkg/readme"), "read me\n");
    Files.createSymbolicLink(src.resolve("pkg/link"), Path.of("readme"));
    Command.run(dir, "chmod", "0750", src.resolve("pkg/bin/tool").toString());
    Command.run(dir, "tar", "-C", src.toString(), "--owner=1234", "--group=5678", "-czf", fx.context.resolve("a.tar.gz").toString(), "pkg");
    Command.run(dir, "tar", "-C", src.toString(), "-cf", fx.context.resolve("b.tar").toString(), "pkg/readme");
    Command.run(dir, "tar", "-C", src.toString(), "-cjf", fx.context.resolve("c.tar.bz2").toString(), "pkg");
    Command.run(dir, "tar", "-C", src.toString(), "--owner=7", "-cJf", fx.context.resolve("d.tar.xz").toString(), "pkg");
    Command.run(dir, "tar", "-C", src.toString(), "--zstd", "-cf", fx.context.resolve("e.tar.zst").toString(), "pkg");
    fx.dockerfile("""
        FROM tiny
        RUN mkdir -p /opt/pkg && echo old > /opt/pkg/readme && echo kept > /opt/pkg/other
        ADD a.tar.gz /opt/
        ADD b.tar /plain
        ADD --chown=42:43 c.tar.bz2 /owned/
        ADD d.tar.xz /xz/
        ADD e.tar.zst /zst
        """);
    fx.build(o -> o.withTags(List.of("added")));
    buildah("build", "-q", "--network", "none", "-t", "added", fx.context.toString());
    Path strataTree = strataTree("added");
    assertThat(strataTree.resolve("opt/pkg/readme")).hasContent("read me");
    assertThat(strataTree.resolve("opt/pkg/other")).hasContent("kept");
    assertThat(strataTree.resolve("plain/pkg/readme")).hasContent("read me");
    assertThat(Files.getAttribute(strataTree.resolve("opt/pkg/bin/tool"), "unix:uid")).isEqualTo(1234);
    assertThat(Files.getAttribute(strataTree.resolve("owned/pkg/bin/tool"), "unix:uid")).isEqualTo(0);
    assertThat(Files.getAttribute(strataTree.resolve("xz/pkg/bin/tool"), "unix:uid")).isEqualTo(7);
    assertThat(strataTree.resolve("zst/pkg/link")).isSymbolicLink();
    assertThat(FileTree.differences(FileTree.scan(buildahTree("added")), FileTree.scan(strataTree), ASPECTS)).isEmpty();
  }

  @Test
  void addOfATarWithWhiteoutNamedMembers_skipsThemAsBuildahDoes() throws IOException {
    Path src = Files.createDirectories(dir.resolve("wh-src"));
    Files.createDirectories(src.resolve("d"));
    Files.writeString(src.resolve("x"), "x\n");
    Files.writeString(src.resolve(".wh.b"), "");
    Files.writeString(src.resolve("d/.wh..wh..opq"), "");
    Files.writeString(src.resolve("d/y"), "y\n");
    Command.run(dir, "tar", "-C", src.toString(), "-cf", fx.context.resolve("wh.tar").toString(), "x", ".wh.b", "d");
    Files.writeString(fx.context.resolve("b"), "b\n");
    fx.dockerfile("""
        FROM tiny
        COPY b /opt/b
        RUN mkdir -p /opt/d && echo z > /opt/d/z
        ADD wh.tar /opt/
        """);
    fx.build(o -> o.withTags(List.of("wh")));
    buildah("build", "-q", "--network", "none", "-t", "wh", fx.context.toString());
    Path strataTree = strataTree("wh");
    assertThat(strataTree.resolve("opt/b")).hasContent("b");
    assertThat(strataTree.resolve("opt/d/z")).hasContent("z");
    assertThat(strataTree.resolve("opt/.wh.b")).doesNotExist();
    // buildah's image of this build cannot be pushed (its layer lists the .wh.b it never stored),
    // so its tree is read from a container's mount
    String container = buildah("from", "-q", "wh").strip();
    Path mounted = Path.of(buildah("mount", container).strip());
    try {
      Path buildahTree = Files.createDirectories(dir.resolve("buildah-wh"));
      Command.run(dir, "cp", "-a", mounted + "/.", buildahTree.toString());
      removeBuildahMountPoints(buildahTree);
      // the root's own mode is the unpacker's (umoci: 0755, buildah's vfs mount: 0555), no layer's
      Files.setPosixFilePermissions(buildahTree, Files.getPosixFilePermissions(strataTree));
      assertThat(FileTree.differences(FileTree.scan(buildahTree), FileTree.scan(strataTree), ASPECTS)).isEmpty();
    } finally {
      buildah("umount", container);
    }
  }

  @Test
  void copyWithDockerignoreChownAndChmod_givesBuildahsTree() throws IOException {
    Files.writeString(fx.context.resolve(".dockerignore"), "*.log\n!keep.log\n");
    Files.writeString(fx.context.resolve("drop.log"), "no");
    Files.writeString(fx.context.resolve("keep.log"), "yes");
    Files.createDirectories(fx.context.resolve("src"));
    Files.writeString(fx.context.resolve("src/x.txt"), "x");
    fx.dockerfile("""
        FROM tiny
        COPY --chown=nobody:nogroup . /ctx/
        COPY --chmod=0600 src/x.txt /secret
        RUN ls -a /ctx > /listing
        """);
    fx.build(o -> o.withTags(List.of("copied")));
    buildah("build", "-q", "--network", "none", "-t", "copied", fx.context.toString());
    Path strataTree = strataTree("copied");
    assertThat(strataTree.resolve("ctx/drop.log")).doesNotExist();
    assertThat(FileTree.differences(FileTree.scan(buildahTree("copied")), FileTree.scan(strataTree), ASPECTS)).isEmpty();
  }

  private Path strataTree(String name) throws IOException {
    return fx.tree(name, dir);
  }

  private Path buildahTree(String name) throws IOException {
    Path layout = dir.resolve("buildah-layout");
    buildah("push", "-q", name, "oci:" + layout + ":" + name);
    Path bundle = dir.resolve("buildah-bundle");
    Command.run(dir, "umoci", "unpack", "--image", layout + ":" + name, bundle.toString());
    Path rootfs = bundle.resolve("rootfs");
    removeBuildahMountPoints(rootfs);
    return rootfs;
  }

  private static void removeBuildahMountPoints(Path rootfs) throws IOException {
    for (String mountPoint : BUILDAH_MOUNT_POINTS) {
      Path p = rootfs.resolve(mountPoint);
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(p); // empty: fails loudly if buildah ever puts content there
      } else {
        Files.deleteIfExists(p);
      }
    }
  }

  private JsonNode buildahConfig(String name) throws IOException {
    JsonNode inspect = BuildFixture.JSON.readTree(buildah("inspect", "--type", "image", name));
    ObjectNode config = (ObjectNode) inspect.at("/OCIv1/config");
    ((ObjectNode) config.path("Labels")).remove("io.buildah.version"); // buildah's own stamp
    return config;
  }

  private String buildah(String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(
        "buildah", "--root", buildahRoot.resolve("root").toString(), "--runroot", buildahRoot.resolve("run").toString(),
        "--storage-driver", "vfs"));
    command.addAll(List.of(args));
    if (args[0].equals("build")) {
      // buildah prefers crun where it is installed, and crun 1.8 refuses this machine's hybrid
      // cgroup layout (strata works around it: CrunBuildTest); the oracle runs through runc
      command.addAll(command.indexOf("build") + 1, List.of("--runtime", "runc"));
    }
    return Command.run(dir, command.toArray(String[]::new));
  }
}
