package dev.strata.build.runtime;

import java.util.List;

/**
 * The numeric identity a process runs as.
 *
 * @param uid the user id
 * @param gid the primary group id
 * @param additionalGids supplementary groups; copied
 */
public record ProcessUser(long uid, long gid, List<Long> additionalGids) {
  /** uid 0, gid 0. */
  public static final ProcessUser ROOT = new ProcessUser(0, 0, List.of());

  /** Validates and copies. */
  public ProcessUser {
    if (uid < 0 || gid < 0 || uid > 0xFFFF_FFFEL || gid > 0xFFFF_FFFEL) {
      throw new dev.strata.core.error.InvalidArgumentException(uid + ":" + gid, "user " + uid + ":" + gid + " is out of range");
    }
    additionalGids = List.copyOf(additionalGids);
  }
}
