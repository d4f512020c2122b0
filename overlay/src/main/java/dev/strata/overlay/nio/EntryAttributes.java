package dev.strata.overlay.nio;

import dev.strata.overlay.union.Attributes;
import dev.strata.overlay.union.Entry;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An entry's attributes in the JDK's terms: {@code basic}, {@code posix}, and the Linux default
 * file system's {@code unix} view (uid, gid, mode, ino, nlink, rdev, ctime). Owners are numeric:
 * an image's names live in its own {@code /etc/passwd}, not the host's.
 */
record EntryAttributes(Entry entry) implements PosixFileAttributes {
  /** A numeric owner or group, named by its decimal id. */
  record Id(String getName, boolean group) implements UserPrincipal, GroupPrincipal {}

  private Attributes a() {
    return entry.attributes();
  }

  @Override
  public FileTime lastModifiedTime() {
    return FileTime.from(a().lastModified());
  }

  @Override
  public FileTime lastAccessTime() {
    return FileTime.from(a().lastAccess());
  }

  /** The modification time: layers carry no birth time that survives a tar. */
  @Override
  public FileTime creationTime() {
    return lastModifiedTime();
  }

  @Override
  public boolean isRegularFile() {
    return entry instanceof Entry.RegularFile;
  }

  @Override
  public boolean isDirectory() {
    return entry instanceof Entry.Directory;
  }

  @Override
  public boolean isSymbolicLink() {
    return entry instanceof Entry.Symlink;
  }

  @Override
  public boolean isOther() {
    return !isRegularFile() && !isDirectory() && !isSymbolicLink();
  }

  @Override
  public long size() {
    return a().size();
  }

  /** The union's inode number (a {@code Long}): equal for the names of one hard-link group. */
  @Override
  public Object fileKey() {
    return a().ino();
  }

  @Override
  public UserPrincipal owner() {
    return new Id(Long.toString(a().uid()), false);
  }

  @Override
  public GroupPrincipal group() {
    return new Id(Long.toString(a().gid()), true);
  }

  @Override
  public Set<PosixFilePermission> permissions() {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
    };
    for (int bit = 0; bit < order.length; bit++) {
      if ((a().mode() & (1 << bit)) != 0) {
        out.add(order[bit]);
      }
    }
    return out;
  }

  /**
   * The attributes {@code spec} asks for ({@code [view:]name,name...} or {@code [view:]*}), as
   * {@code Files.readAttributes(path, String)} returns them.
   *
   * @throws UnsupportedOperationException for a view other than basic, posix, owner or unix
   * @throws IllegalArgumentException for a name the view does not have
   */
  Map<String, Object> select(String spec) {
    int colon = spec.indexOf(':');
    String view = colon < 0 ? "basic" : spec.substring(0, colon);
    String names = colon < 0 ? spec : spec.substring(colon + 1);
    Map<String, Object> all = all(view);
    if (names.equals("*")) {
      return all;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (String n : names.split(",")) {
      if (!all.containsKey(n)) {
        throw new IllegalArgumentException("'" + n + "' is not an attribute of the " + view + " view");
      }
      out.put(n, all.get(n));
    }
    return out;
  }

  private Map<String, Object> all(String view) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (view.equals("owner")) {
      m.put("owner", owner());
      return m;
    }
    if (!view.equals("basic") && !view.equals("posix") && !view.equals("unix")) {
      throw new UnsupportedOperationException("view '" + view + "' is not supported (have basic, posix, owner, unix)");
    }
    m.put("lastModifiedTime", lastModifiedTime());
    m.put("lastAccessTime", lastAccessTime());
    m.put("creationTime", creationTime());
    m.put("size", size());
    m.put("isRegularFile", isRegularFile());
    m.put("isDirectory", isDirectory());
    m.put("isSymbolicLink", isSymbolicLink());
    m.put("isOther", isOther());
    m.put("fileKey", fileKey());
    if (view.equals("basic")) {
      return m;
    }
    m.put("owner", owner());
    m.put("group", group());
    m.put("permissions", permissions());
    if (view.equals("unix")) {
      m.put("mode", a().mode());
      m.put("ino", a().ino());
      m.put("dev", 0L); // one union, one device
      m.put("rdev", a().rdev());
      m.put("nlink", (int) a().nlink());
      m.put("uid", (int) a().uid());
      m.put("gid", (int) a().gid());
      m.put("ctime", FileTime.from(a().lastChange()));
    }
    return m;
  }
}
