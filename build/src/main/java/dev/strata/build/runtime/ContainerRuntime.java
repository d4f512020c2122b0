package dev.strata.build.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Runs one process in a root file system, in its own namespaces, and waits for it: what a
 * Dockerfile's RUN needs of a container runtime.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>The process sees {@link RunSpec#rootfs()} as {@code /}, with {@code /proc}, a tmpfs
 *       {@code /dev} (with {@code pts}, {@code shm}, {@code mqueue}), a read-only {@code /sys},
 *       and {@code /etc/hosts}, {@code /etc/resolv.conf}, {@code /etc/hostname} bind-mounted from
 *       files outside the root file system: what it writes there is never part of the tree.
 *   <li>The runtime creates no file in the root file system that the caller did not ask for: the
 *       caller creates the mount points first ({@link #mountPoints()}) and removes them after.
 *   <li>The process's standard output and error stream to {@code out} and {@code err} as it
 *       writes them; its standard input is empty.
 *   <li>{@link #run} returns when the process exited with status 0, and throws {@link
 *       ProcessFailedException} (with the status and the last lines of output) otherwise. Either
 *       way nothing of the container is left: no process, no runtime state.
 * </ul>
 *
 * <p>Implementations are thread-safe; several runs may go on at once.
 */
public interface ContainerRuntime {

  /** The runtime's name, such as {@code runc}. */
  String name();

  /**
   * The paths (absolute, inside the root file system) the runtime mounts onto and so needs to
   * exist: directories for the file systems, files for the bind-mounted {@code /etc} files.
   */
  java.util.List<MountPoint> mountPoints();

  /**
   * Runs {@code spec} with its state in {@code workDir} (an empty private directory, outside the
   * root file system, that the caller removes afterwards).
   *
   * @throws ProcessFailedException when the process exits with a status other than 0 or is
   *     killed by a signal
   * @throws IOException when the runtime cannot be started or fails before the process runs
   */
  void run(RunSpec spec, Path workDir, OutputStream out, OutputStream err) throws IOException;
}
