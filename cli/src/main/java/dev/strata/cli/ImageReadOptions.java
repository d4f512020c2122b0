package dev.strata.cli;

import dev.strata.core.Storage;
import dev.strata.snapshot.Snapshotters;
import dev.strata.snapshot.nio.StrataFileSystems;
import java.io.IOException;
import java.nio.file.FileSystem;
import picocli.CommandLine.Option;

/** The options of the mount-free reads ({@code image cat}, {@code image files}): which tree to open. */
final class ImageReadOptions {
  @Option(names = "--snapshotter", description = "Backend to read from: overlay (default), native or fuse.")
  String snapshotter = Snapshotters.DEFAULT;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "Platform to read (default: this machine).")
  String platform;

  /** The image (unpacked as needed) or committed snapshot {@code name} as a read-only file system. */
  FileSystem open(Storage storage, String name) throws IOException {
    return StrataFileSystems.open(storage, name, snapshotter, UnpackCommand.matcher(platform));
  }
}
