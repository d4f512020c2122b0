package dev.strata.gc;

/** Whether a collection removes what it finds. */
public enum GcMode {
  /** Mark and sweep. */
  COLLECT,
  /** Mark only, and report what a sweep would remove. */
  DRY_RUN
}
