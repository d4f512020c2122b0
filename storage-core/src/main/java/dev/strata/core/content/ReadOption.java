package dev.strata.core.content;

/** Options for {@link ContentStore#open}. */
public enum ReadOption {
  /** Hash the bytes while reading and fail at the end when they do not match the digest. */
  VERIFY
}
