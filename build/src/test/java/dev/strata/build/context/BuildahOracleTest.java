package dev.strata.build.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.build.dockerfile.BuildArgs;
import dev.strata.build.dockerfile.Dockerfile;
import dev.strata.build.dockerfile.DockerfileParser;
import dev.strata.build.dockerfile.Instruction;
import dev.strata.build.dockerfile.Scope;
import dev.strata.build.dockerfile.Stage;
import dev.strata.testkit.Capabilities;
import dev.strata.testkit.Command;
import dev.strata.testkit.Umoci;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * buildah as the oracle: the same context and Dockerfile built by {@code buildah build} and
 * planned by {@link BuildContext} give the same paths, kinds, modes and owners.
 */
class BuildahOracleTest {
  @TempDir Path dir;

  private void write(Path ctx, String relative, String content) throws IOException {
    Path p = ctx.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  @Test
  void dockerignoreGlobsAndDestinationRules_selectWhatBuildahCopies() throws IOException {
    Capabilities.requireRoot("buildah builds with its own storage root");
    Capabilities.requireTool("buildah");
    Umoci.require();
    Path ctx = dir.resolve("ctx");
    for (String f :
        List.of(
            "README.md", "CHANGES.md", "notes.txt", "a.txt", "src/main.c", "src/lib/util.c",
            "src/lib/util.h", "vendor/keep/k.go", "vendor/drop/d.go", "logs/x.log", "deep/er/y.log",
            "docs/draft/d.md", "docs/final/f.md")) {
      write(ctx, f, f);
    }
    Files.setPosixFilePermissions(ctx.resolve("src/main.c"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.createSymbolicLink(ctx.resolve("src/link"), Path.of("../a.txt"));
    write(ctx, ".dockerignore", "*.md\n!README*.md\nvendor\n!vendor/keep/**\n**/*.log\ndocs/**/draft\n");
    write(
        ctx,
        "Dockerfile",
        """
        FROM scratch
        COPY . /all/
        COPY src /app
        COPY *.txt /t/
        COPY --chown=5:6 --chmod=0640 src/main.c /x/y/
        COPY src/lib/util.? /u/
        COPY a.txt /renamed
        """);

    Path storage = dir.resolve("storage");
    List<String> buildah =
        List.of("buildah", "--storage-driver", "vfs", "--root", storage.resolve("root").toString(), "--runroot", storage.resolve("run").toString());
    Command.run(dir, concat(buildah, "build", "-q", "-t", "oracle", ctx.toString()));
    Command.run(dir, concat(buildah, "push", "oracle", "oci:" + dir.resolve("oci") + ":latest"));
    Umoci.unpack(dir, dir.resolve("oci") + ":latest", dir.resolve("bundle"));

    Map<String, String> planned = plannedTree(ctx);
    assertThat(planned)
        .containsKeys("/all/README.md", "/all/vendor/keep/k.go", "/all/src/link", "/x/y/main.c", "/renamed")
        .doesNotContainKeys("/all/CHANGES.md", "/all/vendor/drop", "/all/logs/x.log", "/all/docs/draft");
    assertThat(planned).isEqualTo(actualTree(dir.resolve("bundle/rootfs")));
  }

  private static String[] concat(List<String> head, String... tail) {
    return Stream.concat(head.stream(), Stream.of(tail)).toArray(String[]::new);
  }

  /** path to "kind mode uid:gid" for each entry the plans of the Dockerfile produce. */
  private static Map<String, String> plannedTree(Path ctx) throws IOException {
    Map<String, String> tree = new TreeMap<>();
    Dockerfile df = DockerfileParser.parse(ctx.resolve("Dockerfile"));
    Stage stage = df.stages().getFirst();
    Scope scope = Scope.global(df, BuildArgs.NONE).stage(List.of());
    BuildContext context = BuildContext.open(ctx);
    for (Instruction i : stage.instructions()) {
      CopyPlan plan = context.plan(CopyRequest.of(scope.expand(i), "/", p -> isDirectory(tree, p), UserDatabase.EMPTY));
      for (CopyEntry e : plan.entries()) {
        for (String p = parent(e.destination()); !p.equals("/"); p = parent(p)) {
          tree.putIfAbsent(p, "dir 755 0:0");
        }
        String owner = " " + e.owner().uid() + ":" + e.owner().gid();
        switch (e) {
          case CopyEntry.Directory d -> {
            if (!d.onlyIfMissing() || !tree.containsKey(d.destination())) {
              tree.put(d.destination(), "dir " + Integer.toOctalString(d.mode()) + owner);
            }
          }
          case CopyEntry.File f -> tree.put(f.destination(), "file " + Integer.toOctalString(f.mode()) + owner);
          case CopyEntry.Symlink s -> tree.put(s.destination(), "symlink " + s.target() + owner);
          default -> throw new AssertionError("not in this test: " + e);
        }
      }
    }
    return tree;
  }

  private static boolean isDirectory(Map<String, String> tree, String path) {
    return path.equals("/") || tree.getOrDefault(path, "").startsWith("dir ");
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  private static Map<String, String> actualTree(Path rootfs) throws IOException {
    Map<String, String> tree = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(rootfs)) {
      for (Path p : walk.filter(p -> !p.equals(rootfs)).toList()) {
        String owner =
            " " + Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ":" + Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        int mode = ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
        String kind =
            Files.isSymbolicLink(p)
                ? "symlink " + Files.readSymbolicLink(p)
                : (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir " : "file ") + Integer.toOctalString(mode);
        tree.put("/" + rootfs.relativize(p), kind + owner);
      }
    }
    return tree;
  }
}
