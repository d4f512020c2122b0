package dev.strata.snapshot.spi;

import dev.strata.snapshot.Mount;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Performs mounts of one type that the kernel cannot do from the plain data alone (a FUSE mount
 * needs its server started), for {@link dev.strata.snapshot.mount.Mounter}; found by {@link
 * java.util.ServiceLoader}, like containerd's {@code mount.TYPE} helpers. Unmounting is the
 * kernel's ({@code umount2}); the helper's process ends when its file system is unmounted.
 */
public interface MountHelper {
  /** The mount type this helper performs, as {@link Mount#type()} names it. */
  String type();

  /** Mounts {@code mount} on the directory {@code target}; returns once the mount answers. */
  void mount(Mount mount, Path target) throws IOException;
}
