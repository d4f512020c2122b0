package dev.strata.core.image;

import dev.strata.core.error.InvalidArgumentException;
import java.util.List;

/**
 * A digest prefix matched images of more than one digest; the message lists them so that the
 * user can give a longer prefix or a name.
 */
public final class AmbiguousImageReferenceException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // List.copyOf's lists are serializable; List does not say so
  private final List<String> matches;

  /** Creates the error for {@code reference}, which matched the images named {@code matches}. */
  public AmbiguousImageReferenceException(String reference, List<String> matches) {
    super(reference, "image reference " + reference + " is ambiguous; it matches " + String.join(", ", matches));
    this.matches = List.copyOf(matches);
  }

  /** The names (with digests) of the matching images. */
  public List<String> matches() {
    return matches;
  }
}
