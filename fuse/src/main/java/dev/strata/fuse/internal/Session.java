package dev.strata.fuse.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.strata.overlay.union.UnionView;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

/**
 * One libfuse session serving a {@link UnionView} read-only on a mount point: mount, the
 * multithreaded loop until the file system is unmounted, then unmount and free.
 */
public final class Session {
  private Session() {}

  /**
   * Mounts {@code view} on {@code mountpoint} and serves it until it is unmounted ({@code
   * fusermount3 -u}, {@code umount}); {@code statfsOf} is the path whose file system statfs
   * reports. {@code onMounted} runs once the kernel mount exists.
   *
   * @throws IOException when libfuse refuses the options or the mount fails (its reason is on
   *     stderr)
   */
  public static void serve(UnionView view, Path mountpoint, Path statfsOf, List<String> mountOptions, Runnable onMounted)
      throws IOException {
    UnionOps ops = new UnionOps(view, statfsOf);
    serve(ops::table, mountpoint, mountOptions, onMounted);
  }

  /**
   * Mounts the operations {@code table} makes (a {@code struct fuse_lowlevel_ops} living as long
   * as the arena it is given) on {@code mountpoint} and serves them until unmounted.
   */
  static void serve(java.util.function.Function<Arena, MemorySegment> table, Path mountpoint, List<String> mountOptions, Runnable onMounted)
      throws IOException {
    // shared: libfuse's worker threads run the callbacks and read the tables
    Arena arena = Arena.ofShared();
    try {
      List<String> argv = List.of("strata-fuse", "-o", String.join(",", mountOptions));
      MemorySegment args = arena.allocate(24); // struct fuse_args { int argc; char **argv; int allocated; }
      MemorySegment vector = arena.allocate(ADDRESS, argv.size() + 1);
      for (int i = 0; i < argv.size(); i++) {
        vector.setAtIndex(ADDRESS, i, arena.allocateFrom(argv.get(i)));
      }
      args.set(JAVA_INT, 0, argv.size());
      args.set(ADDRESS, 8, vector);
      MemorySegment ops = table.apply(arena);
      MemorySegment se = (MemorySegment) LibFuse.SESSION_NEW.handle().invokeExact(args, ops, ops.byteSize(), MemorySegment.NULL);
      if (se.equals(MemorySegment.NULL)) {
        throw new IOException("libfuse refused the mount options " + mountOptions);
      }
      try {
        int rc = (int) LibFuse.SESSION_MOUNT.handle().invokeExact(se, arena.allocateFrom(mountpoint.toString()));
        if (rc != 0) {
          throw new IOException("FUSE mount on " + mountpoint + " failed");
        }
        onMounted.run();
        rc = (int) LibFuse.SESSION_LOOP_MT.handle().invokeExact(se, 0);
        LibFuse.SESSION_UNMOUNT.handle().invokeExact(se);
      } finally {
        LibFuse.SESSION_DESTROY.handle().invokeExact(se);
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("libfuse call failed", t);
    }
    // the arena stays open: a worker thread may still be leaving a callback, and the process ends next
  }
}
