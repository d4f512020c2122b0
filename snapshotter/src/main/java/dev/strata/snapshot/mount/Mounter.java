package dev.strata.snapshot.mount;

import dev.strata.core.error.InvalidArgumentException;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.internal.linux.Syscalls;
import java.io.IOException;
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
  private Mounter() {}

  /** Mounts {@code mounts} on {@code target}, in order. */
  public static void mount(List<Mount> mounts, Path target) throws IOException {
    for (Mount mount : mounts) {
      switch (mount.type()) {
        case "bind" -> bind(mount, target);
        case "overlay" -> overlay(mount, target);
        default -> throw new InvalidArgumentException(mount.type(), "unsupported mount type " + mount.type());
      }
    }
  }

  /** Unmounts {@code target}. */
  public static void unmount(Path target) throws IOException {
    Syscalls.umount2(target, 0);
  }

  private static void bind(Mount mount, Path target) throws IOException {
    long flags = Syscalls.MS_BIND | (mount.options().contains("rbind") ? Syscalls.MS_REC : 0);
    Syscalls.mount(mount.source(), target, null, flags, null);
    if (mount.readOnly()) {
      // a bind mount takes ro only on a remount
      Syscalls.mount(null, target, null, Syscalls.MS_REMOUNT | Syscalls.MS_BIND | Syscalls.MS_RDONLY, null);
    }
  }

  private static void overlay(Mount mount, Path target) throws IOException {
    if (Syscalls.hasNewMountApi()) {
      try {
        overlayWithNewApi(mount, target);
        return;
      } catch (Syscalls.ErrnoException e) {
        if (e.errno() != Syscalls.ENOSYS && e.errno() != Syscalls.EINVAL) {
          throw e;
        }
        // ENOSYS: no fsopen; EINVAL: no lowerdir+ (kernel < 6.8): fall back
      }
    }
    Syscalls.mount("overlay", target, "overlay", mount.readOnly() ? Syscalls.MS_RDONLY : 0, String.join(",", dataOptions(mount)));
  }

  private static void overlayWithNewApi(Mount mount, Path target) throws IOException {
    int fs = Syscalls.fsopen("overlay");
    int mnt = -1;
    try {
      Syscalls.fsconfig(fs, "source", mount.source());
      for (String option : dataOptions(mount)) {
        int eq = option.indexOf('=');
        String key = eq < 0 ? option : option.substring(0, eq);
        String value = eq < 0 ? null : option.substring(eq + 1);
        if (key.equals("lowerdir")) {
          for (String lower : value.split(":")) {
            Syscalls.fsconfig(fs, "lowerdir+", lower);
          }
        } else {
          Syscalls.fsconfig(fs, key, value);
        }
      }
      Syscalls.fsconfigCreate(fs, target.toString());
      mnt = Syscalls.fsmount(fs, mount.readOnly() ? Syscalls.MOUNT_ATTR_RDONLY : 0, target.toString());
      Syscalls.moveMount(mnt, target);
    } finally {
      Syscalls.close(mnt);
      Syscalls.close(fs);
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
