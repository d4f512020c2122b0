package dev.strata.build.context;

import dev.strata.build.context.internal.InRoot;
import dev.strata.core.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The users and groups of an image's root filesystem ({@code /etc/passwd}, {@code /etc/group}),
 * for COPY and ADD's {@code --chown} and for USER. Names are looked up here; numbers are taken as
 * they are, whether or not the files know them. Immutable.
 */
public final class UserDatabase {
  /** An image without the files ({@code scratch}): only numbers resolve. */
  public static final UserDatabase EMPTY = new UserDatabase(Map.of(), Map.of(), false);

  private record User(int uid, int gid) {}

  private final Map<String, User> users;
  private final Map<String, Integer> groups;
  private final boolean present;

  private UserDatabase(Map<String, User> users, Map<String, Integer> groups, boolean present) {
    this.users = Map.copyOf(users);
    this.groups = Map.copyOf(groups);
    this.present = present;
  }

  /**
   * Parses the text of {@code /etc/passwd} ({@code name:x:uid:gid:...}) and {@code /etc/group}
   * ({@code name:x:gid:members}); malformed lines are skipped, as libc's lookups skip them.
   */
  public static UserDatabase parse(String passwd, String group) {
    Map<String, User> users = new HashMap<>();
    for (String line : passwd.split("\n")) {
      String[] f = line.split(":", -1);
      if (f.length >= 4 && !f[0].isEmpty()) {
        number(f[2]).ifPresent(uid -> number(f[3]).ifPresent(gid -> users.putIfAbsent(f[0], new User(uid, gid))));
      }
    }
    Map<String, Integer> groups = new HashMap<>();
    for (String line : group.split("\n")) {
      String[] f = line.split(":", -1);
      if (f.length >= 3 && !f[0].isEmpty()) {
        number(f[2]).ifPresent(gid -> groups.putIfAbsent(f[0], gid));
      }
    }
    return new UserDatabase(users, groups, true);
  }

  /**
   * Reads {@code passwd} and {@code group} (paths inside an image's root filesystem that the
   * caller resolved safely); a missing file counts as empty.
   *
   * @throws IOException if a file exists and cannot be read
   */
  public static UserDatabase read(Path passwd, Path group) throws IOException {
    return parse(readOrEmpty(passwd), readOrEmpty(group));
  }

  /**
   * Reads {@code etc/passwd} and {@code etc/group} of the image root filesystem {@code rootfs},
   * their symlinks resolved inside {@code rootfs} (an image's {@code /etc/passwd -> /host/file}
   * never reads the host's); a missing file counts as empty.
   *
   * @throws IOException if a file exists and cannot be read
   */
  public static UserDatabase readFromRoot(Path rootfs) throws IOException {
    return parse(readInRoot(rootfs, "etc/passwd"), readInRoot(rootfs, "etc/group"));
  }

  private static String readInRoot(Path rootfs, String file) throws IOException {
    Optional<String> resolved;
    try {
      resolved = InRoot.resolve(rootfs, file, true);
    } catch (FileSystemLoopException e) {
      return "";
    }
    if (resolved.isEmpty()) {
      return "";
    }
    Path path = rootfs.resolve(resolved.get());
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      return "";
    }
    return Files.readString(path, StandardCharsets.UTF_8);
  }

  private static String readOrEmpty(Path file) throws IOException {
    return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  /**
   * The owner of {@code --chown=USER[:GROUP]}: names through the files, numbers as they are; a
   * user without a group takes the user's id as group id too (the Dockerfile reference's rule:
   * "the same numeric UID as the GID").
   *
   * @throws InvalidArgumentException naming the user or group when a name is unknown
   */
  public Owner chown(String spec) {
    String[] parts = spec.split(":", 2);
    int uid = uid(parts[0], spec);
    int gid = parts.length == 2 ? gid(parts[1], spec) : uid;
    return new Owner(uid, gid);
  }

  /**
   * The owner a process runs as under {@code USER USER[:GROUP]}: a user without a group takes the
   * primary group its passwd line gives (0 for a number the files do not know).
   *
   * @throws InvalidArgumentException naming the user or group when a name is unknown
   */
  public Owner user(String spec) {
    String[] parts = spec.split(":", 2);
    int uid = uid(parts[0], spec);
    if (parts.length == 2) {
      return new Owner(uid, gid(parts[1], spec));
    }
    Optional<User> known =
        number(parts[0]).isPresent()
            ? users.values().stream().filter(u -> u.uid() == uid).findFirst()
            : Optional.ofNullable(users.get(parts[0]));
    return new Owner(uid, known.map(User::gid).orElse(0));
  }

  private int uid(String user, String spec) {
    if (user.isEmpty()) {
      throw new InvalidArgumentException(spec, "invalid user \"" + spec + "\": the user is empty");
    }
    Optional<Integer> n = number(user);
    if (n.isPresent()) {
      return n.get();
    }
    User u = users.get(user);
    if (u == null) {
      throw new InvalidArgumentException(
          user, "unable to find user " + user + (present ? "" : ": the image has no /etc/passwd") + " (in \"" + spec + "\")");
    }
    return u.uid();
  }

  private int gid(String group, String spec) {
    Optional<Integer> n = number(group);
    if (n.isPresent()) {
      return n.get();
    }
    Integer g = groups.get(group);
    if (g == null) {
      throw new InvalidArgumentException(
          group, "unable to find group " + group + (present ? "" : ": the image has no /etc/group") + " (in \"" + spec + "\")");
    }
    return g;
  }

  private static Optional<Integer> number(String s) {
    if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    long v = Long.parseLong(s);
    return v > Integer.MAX_VALUE ? Optional.empty() : Optional.of((int) v);
  }
}
