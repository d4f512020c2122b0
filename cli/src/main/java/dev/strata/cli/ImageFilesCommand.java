package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.core.Storage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strata image files NAME [DIR]}: a long listing of an image's files, without mounting. */
@Command(
    name = "files",
    description = {
      "List files of an image (or committed snapshot) like ls -l, without mounting anything:",
      "type and mode, owner (numeric), size, mtime, link target. DIR defaults to /."
    })
final class ImageFilesCommand extends ImageCommand.Verb {
  private static final String ATTRIBUTES = "unix:mode,uid,gid,size,lastModifiedTime";

  @Parameters(index = "0", paramLabel = "NAME", description = "Image name or committed snapshot key.")
  String name;

  @Parameters(index = "1", paramLabel = "DIR", arity = "0..1", description = "Directory (or file) inside the image.")
  String dir = "/";

  @Option(names = {"-R", "--recursive"}, description = "List the whole tree below DIR.")
  boolean recursive;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Mixin ImageReadOptions read;

  @Override
  void run(Storage storage) throws IOException {
    try (FileSystem fs = read.open(storage, name)) {
      List<Path> paths = paths(fs.getPath("/", dir));
      if (json) {
        ArrayNode array = Output.array();
        for (Path p : paths) {
          array.add(json(p));
        }
        Output.json(out(), array);
        return;
      }
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("MODE", "OWNER", "SIZE", "MODIFIED", "PATH"));
      for (Path p : paths) {
        Map<String, Object> a = Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        String target = Files.isSymbolicLink(p) ? " -> " + Files.readSymbolicLink(p) : "";
        rows.add(List.of(modeString((int) a.get("mode")), a.get("uid") + ":" + a.get("gid"),
            a.get("size").toString(), a.get("lastModifiedTime").toString(), p + target));
      }
      Output.table(out(), rows);
    }
  }

  /** What to list: DIR's children (or the whole tree below it), sorted; DIR itself when it is not a directory. */
  private List<Path> paths(Path start) throws IOException {
    if (!Files.isDirectory(start)) {
      Files.readAttributes(start, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS); // NoSuchFileException when missing
      return List.of(start);
    }
    if (recursive) {
      try (Stream<Path> walk = Files.walk(start)) {
        return walk.filter(p -> !p.equals(start)).sorted().toList();
      }
    }
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(start)) {
      children.forEach(out::add);
    }
    return out; // the view lists names sorted by their bytes
  }

  private static ObjectNode json(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    int mode = (int) a.get("mode");
    ObjectNode node = Output.object()
        .put("path", p.toString())
        .put("type", type(mode))
        .put("mode", String.format("%04o", mode & 07777))
        .put("uid", (int) a.get("uid"))
        .put("gid", (int) a.get("gid"))
        .put("size", (long) a.get("size"))
        .put("mtime", ((FileTime) a.get("lastModifiedTime")).toString());
    if (Files.isSymbolicLink(p)) {
      node.put("target", Files.readSymbolicLink(p).toString());
    }
    return node;
  }

  private static String type(int mode) {
    return switch (mode & 0170000) {
      case 0040000 -> "directory";
      case 0100000 -> "file";
      case 0120000 -> "symlink";
      case 0020000 -> "char-device";
      case 0060000 -> "block-device";
      case 0010000 -> "fifo";
      default -> "socket";
    };
  }

  /** {@code ls -l}'s mode column: type letter, then rwx triples with s/S and t/T. */
  static String modeString(int mode) {
    char t = switch (mode & 0170000) {
      case 0040000 -> 'd';
      case 0120000 -> 'l';
      case 0020000 -> 'c';
      case 0060000 -> 'b';
      case 0010000 -> 'p';
      case 0140000 -> 's';
      default -> '-';
    };
    StringBuilder s = new StringBuilder().append(t);
    for (int shift = 6; shift >= 0; shift -= 3) {
      int bits = mode >> shift & 7;
      s.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-');
      int special = shift == 6 ? 04000 : shift == 3 ? 02000 : 01000;
      char set = shift == 0 ? 't' : 's';
      boolean x = (bits & 1) != 0;
      s.append((mode & special) != 0 ? (x ? set : Character.toUpperCase(set)) : x ? 'x' : '-');
    }
    return s.toString();
  }
}
