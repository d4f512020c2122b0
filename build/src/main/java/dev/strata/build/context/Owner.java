package dev.strata.build.context;

/** A numeric owner, as a layer's tar entries and an OCI runtime take it. */
public record Owner(int uid, int gid) {
  /** root:root, what COPY and ADD give files without {@code --chown}. */
  public static final Owner ROOT = new Owner(0, 0);

  /** Checks that both ids are non-negative. */
  public Owner {
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException("negative id " + uid + ":" + gid);
    }
  }
}
