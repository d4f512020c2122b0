package dev.strata.overlay.changeset;

import dev.strata.core.error.InvalidArgumentException;

/**
 * A layer entry was refused because applying it could not be done inside the root, or it
 * conflicts with the tree: a name that climbs out of the root with {@code ..}, a NUL in a name,
 * an entry that would replace the root directory, a hardlink to a directory or to a path that
 * does not exist inside the root, a parent path that is not a directory, a symlink loop, a name
 * longer than the kernel accepts. {@link #subject()} is the entry's name as the tar spells it.
 *
 * <p>Nothing outside the root has changed when this is thrown; entries before the refused one
 * have been applied.
 */
public class UnsafeEntryException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates the error; {@code message} names {@code entry}. */
  public UnsafeEntryException(String entry, String message) {
    super(entry, message);
  }

  /** Creates the error with its cause; {@code message} names {@code entry}. */
  public UnsafeEntryException(String entry, String message, Throwable cause) {
    super(entry, message, cause);
  }
}
