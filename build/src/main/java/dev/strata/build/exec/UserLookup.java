package dev.strata.build.exec;

import dev.strata.build.runtime.ProcessUser;
import dev.strata.core.error.NotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a Dockerfile {@code USER} ({@code user}, {@code uid}, {@code user:group}, {@code
 * uid:gid}) against the image's own {@code /etc/passwd} and {@code /etc/group}, as Docker does: a
 * name must be listed; a number need not be, and then runs with group 0; supplementary groups are
 * those that list the user. A file that is a symbolic link is not read (it could point out of
 * the image).
 */
final class UserLookup {
  /** The user and its home directory ({@code /} when the image does not say). */
  record Resolved(ProcessUser user, String home) {}

  private UserLookup() {}

  /**
   * Resolves {@code spec} (empty: root) in the tree {@code rootfs}.
   *
   * @throws NotFoundException when a named user or group is not in the image
   */
  static Resolved resolve(Path rootfs, String spec) throws IOException {
    if (spec.isEmpty()) {
      spec = "root";
    }
    int colon = spec.indexOf(':');
    String userPart = colon < 0 ? spec : spec.substring(0, colon);
    Optional<String> groupPart = colon < 0 ? Optional.empty() : Optional.of(spec.substring(colon + 1));
    List<String[]> passwd = table(rootfs.resolve("etc/passwd"));
    List<String[]> groups = table(rootfs.resolve("etc/group"));

    Optional<String[]> entry = passwd.stream().filter(f -> f.length >= 4 && (f[0].equals(userPart) || f[2].equals(userPart))).findFirst();
    long uid;
    long gid;
    String name;
    String home = "/";
    if (entry.isPresent()) {
      name = entry.get()[0];
      uid = Long.parseLong(entry.get()[2]);
      gid = Long.parseLong(entry.get()[3]);
      if (entry.get().length >= 6 && !entry.get()[5].isEmpty()) {
        home = entry.get()[5];
      }
    } else if (numeric(userPart)) {
      name = userPart;
      uid = Long.parseLong(userPart);
      gid = 0;
    } else {
      throw new NotFoundException(userPart, "unable to find user " + userPart + ": no matching entries in the image's /etc/passwd");
    }
    if (groupPart.isPresent()) {
      String g = groupPart.get();
      Optional<String[]> group = groups.stream().filter(f -> f.length >= 3 && (f[0].equals(g) || f[2].equals(g))).findFirst();
      if (group.isPresent()) {
        gid = Long.parseLong(group.get()[2]);
      } else if (numeric(g)) {
        gid = Long.parseLong(g);
      } else {
        throw new NotFoundException(g, "unable to find group " + g + ": no matching entries in the image's /etc/group");
      }
    }
    List<Long> additional = new ArrayList<>();
    if (groupPart.isEmpty()) {
      for (String[] f : groups) {
        if (f.length >= 4 && List.of(f[3].split(",")).contains(name) && numeric(f[2])) {
          long g = Long.parseLong(f[2]);
          if (g != gid && !additional.contains(g)) {
            additional.add(g);
          }
        }
      }
    }
    return new Resolved(new ProcessUser(uid, gid, additional), home);
  }

  private static boolean numeric(String s) {
    return !s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() < 11;
  }

  private static List<String[]> table(Path file) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(file.getParent())) {
      return List.of();
    }
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        rows.add(line.split(":", -1));
      }
    }
    return rows;
  }
}
