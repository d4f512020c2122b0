package dev.strata.fuse.internal;

import dev.strata.fuse.FuseMounts;
import dev.strata.snapshot.Mount;
import dev.strata.snapshot.spi.MountHelper;
import java.io.IOException;
import java.nio.file.Path;

/** Performs {@code fuse.strata} mounts for {@link dev.strata.snapshot.mount.Mounter}: starts their server. */
public final class FuseMountHelper implements MountHelper {
  /** A helper; {@link java.util.ServiceLoader} makes it. */
  public FuseMountHelper() {}

  @Override
  public String type() {
    return FuseMounts.MOUNT_TYPE;
  }

  @Override
  public void mount(Mount mount, Path target) throws IOException {
    FuseMounts.mount(mount, target);
  }
}
