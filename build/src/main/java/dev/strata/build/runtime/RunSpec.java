package dev.strata.build.runtime;

import dev.strata.core.error.InvalidArgumentException;
import java.nio.file.Path;
import java.util.List;

/**
 * One process to run.
 *
 * @param rootfs the root file system (a mounted snapshot), seen as {@code /}
 * @param args the program and its arguments (resolved against {@code PATH} by the runtime)
 * @param env {@code KEY=VALUE} entries, in order; copied
 * @param cwd the absolute working directory inside {@code rootfs}
 * @param user who the process runs as
 * @param hostname the container's host name ({@code /etc/hostname} and uts namespace)
 * @param network the network it sees
 */
public record RunSpec(
    Path rootfs, List<String> args, List<String> env, String cwd, ProcessUser user, String hostname, NetworkMode network) {

  /** Validates and copies. */
  public RunSpec {
    if (args.isEmpty()) {
      throw new InvalidArgumentException("", "a process needs a program to run");
    }
    if (!cwd.startsWith("/")) {
      throw new InvalidArgumentException(cwd, "working directory " + cwd + " is not absolute");
    }
    args = List.copyOf(args);
    env = List.copyOf(env);
  }
}
