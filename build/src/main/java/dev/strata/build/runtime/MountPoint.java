package dev.strata.build.runtime;

/**
 * A path inside the root file system that a runtime mounts onto.
 *
 * @param path absolute, such as {@code /etc/hosts}
 * @param directory whether the mount point is a directory (else a regular file)
 */
public record MountPoint(String path, boolean directory) {

  /** Checks that the path is absolute and normal. */
  public MountPoint {
    if (!path.startsWith("/") || path.contains("/../") || path.endsWith("/") || path.contains("//")) {
      throw new dev.strata.core.error.InvalidArgumentException(path, "mount point " + path + " is not a normal absolute path");
    }
  }
}
