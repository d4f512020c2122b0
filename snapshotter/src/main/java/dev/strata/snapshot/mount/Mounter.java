package dev.strata.snapshot.mount;

import dev.strata.snapshot.spi.MountHelper;
import java.util.ServiceLoader;
import dev.strata.core.error.FailedPreconditionException;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.linux.Errno;
import dev.strata.linux.Fd;
import dev.strata.linux.LinuxException;
import dev.strata.linux.Mounts;
import dev.strata.snapshot.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Performs {@link Mount}s, for callers that do not mount themselves. Needs CAP_SYS_ADMIN.
 *
 * <p>Overlay mounts use the new mount API (fsopen, fsconfig, fsmount, move_mount): each lower
 * directory is passed on its own with {@code lowerdir+} (kernel >= 6.8), so stacks deeper than
 * the one-page limit of mount(2)'s option string work, up to overlayfs's 500 layers. On older
 * kernels, or where the libc lacks the calls, mount(2) with the option string is the fallback.
 */
public final class Mounter {
  /**
   * The deepest stack overlayfs mounts: {@code OVL_MAX_STACK} in the kernel's
   * fs/overlayfs/params.h.
   */
  public static final int OVERLAY_MAX_LAYERS = 500;

  private Mounter() {}

  /**
   * Mounts {@code mounts} on {@code target}, in order. The mount point is opened once with
   * O_PATH | O_NOFOLLOW | O_DIRECTORY and each mount goes onto that very directory (move_mount
   * to the descriptor; mount(2) through {@code /proc/self/fd/N}), so a symlink planted at or
   * swapped in for {@code target} never redirects it.
   *
   * @throws FailedPreconditionException when {@code target} is a symlink, not a directory or
   *     absent, or an overlay stack is deeper than {@link #OVERLAY_MAX_LAYERS}
   */
  public static void mount(List<Mount> mounts, Path target) throws IOException {
    for (Mount mount : mounts) {
      requireStackDepth(mount);
    }
    for (Mount mount : mounts) {
      try (Fd dir = openMountPoint(target)) {
        switch (mount.type()) {
          case "bind" -> bind(mount, dir, target);
          case "overlay" -> overlay(mount, dir, target);
          default -> helper(mount.type()).mount(mount, target);
        }
      }
    }
  }

  /**
   * The {@link MountHelper} another module offers for mounts of {@code type} (the fuse module's
   * {@code fuse.strata}), found through {@link ServiceLoader}.
   *
   * @throws InvalidArgumentException when no module offers one
   */
  private static MountHelper helper(String type) {
    return ServiceLoader.load(MountHelper.class, Mounter.class.getClassLoader()).stream()
        .map(ServiceLoader.Provider::get)
        .filter(h -> h.type().equals(type))
        .findFirst()
        .orElseThrow(() -> new InvalidArgumentException(type, "unsupported mount type " + type));
  }

  /**
   * Unmounts {@code target}.
   *
   * @throws FailedPreconditionException when nothing is mounted there or it is busy, naming it
   */
  public static void unmount(Path target) throws IOException {
    try {
      Mounts.umount2(target, 0);
    } catch (LinuxException e) {
      throw switch (e.errno()) {
        case Errno.EINVAL -> new FailedPreconditionException(target.toString(), target + " is not mounted", e);
        case Errno.EBUSY ->
            new FailedPreconditionException(
                target.toString(), target + " is busy: a process has a file open or its working directory there (fuser -vm " + target + " lists them)", e);
        case Errno.ENOENT -> new FailedPreconditionException(target.toString(), target + " does not exist", e);
        default -> throw e;
      };
    }
  }

  /** Whether something is mounted on {@code dir}, as /proc/self/mountinfo lists it. */
  public static boolean isMountPoint(Path dir) throws IOException {
    return MountTable.read().contains(canonical(dir));
  }

  private static String canonical(Path dir) {
    try {
      return dir.toRealPath().toString();
    } catch (IOException e) {
      return dir.toAbsolutePath().normalize().toString();
    }
  }

  private static void requireStackDepth(Mount mount) {
    int layers = mount.option("lowerdir").map(l -> l.split(":").length).orElse(0);
    if (mount.type().equals("overlay") && layers > OVERLAY_MAX_LAYERS) {
      throw new FailedPreconditionException(
          mount.source(), "the stack has " + layers + " layers; overlayfs mounts at most " + OVERLAY_MAX_LAYERS);
    }
  }

  private static Fd openMountPoint(Path target) throws IOException {
    try {
      return Mounts.openDirectoryNoFollow(target);
    } catch (LinuxException e) {
      String t = target.toString();
      if (Files.isSymbolicLink(target)) {
        throw new FailedPreconditionException(t, t + " is a symbolic link: strata mounts only onto a directory itself, never through a link", e);
      }
      throw switch (e.errno()) {
        case Errno.ENOTDIR -> new FailedPreconditionException(t, t + " is not a directory", e);
        case Errno.ENOENT -> new FailedPreconditionException(t, t + " does not exist", e);
        default -> throw e;
      };
    }
  }

  private static void bind(Mount mount, Fd dir, Path target) throws IOException {
    boolean recursive = mount.options().contains("rbind");
    if (Mounts.hasOpenTree()) {
      try (Fd tree = Mounts.cloneTree(mount.source(), recursive, mount.readOnly())) {
        Mounts.moveMount(tree, dir, target.toString());
      }
      return;
    }
    long flags = Mounts.MS_BIND | (recursive ? Mounts.MS_REC : 0);
    Mounts.mount(mount.source(), Path.of(dir.procPath()), null, flags, null);
    if (mount.readOnly()) {
      // a bind mount takes ro only on a remount, which needs the new mount's root: the path
      Mounts.mount(null, target, null, Mounts.MS_REMOUNT | Mounts.MS_BIND | Mounts.MS_RDONLY, null);
    }
  }

  private static void overlay(Mount mount, Fd dir, Path target) throws IOException {
    if (Mounts.hasNewMountApi()) {
      try {
        overlayWithNewApi(mount, dir, target);
        return;
      } catch (LinuxException e) {
        if (e.errno() != Errno.ENOSYS && e.errno() != Errno.EINVAL) {
          throw e;
        }
        // ENOSYS: no fsopen; EINVAL: no lowerdir+ (kernel < 6.8): fall back
      }
    }
    Mounts.mount(
        "overlay", Path.of(dir.procPath()), "overlay", mount.readOnly() ? Mounts.MS_RDONLY : 0, String.join(",", dataOptions(mount)));
  }

  private static void overlayWithNewApi(Mount mount, Fd dir, Path target) throws IOException {
    try (Fd fs = Mounts.fsopen("overlay")) {
      Mounts.fsconfig(fs, "source", mount.source());
      for (String option : dataOptions(mount)) {
        int eq = option.indexOf('=');
        String key = eq < 0 ? option : option.substring(0, eq);
        String value = eq < 0 ? null : option.substring(eq + 1);
        if (key.equals("lowerdir")) {
          for (String lower : value.split(":")) {
            Mounts.fsconfig(fs, "lowerdir+", lower);
          }
        } else {
          Mounts.fsconfig(fs, key, value);
        }
      }
      Mounts.fsconfigCreate(fs, target.toString());
      try (Fd mnt = Mounts.fsmount(fs, mount.readOnly() ? Mounts.MOUNT_ATTR_RDONLY : 0, target.toString())) {
        Mounts.moveMount(mnt, dir, target.toString());
      }
    }
  }

  /** The options that go to the filesystem (ro/rw are mount flags, not fs options). */
  private static List<String> dataOptions(Mount mount) {
    List<String> data = new ArrayList<>();
    for (String option : mount.options()) {
      if (!option.equals("ro") && !option.equals("rw")) {
        data.add(option);
      }
    }
    return data;
  }
}
