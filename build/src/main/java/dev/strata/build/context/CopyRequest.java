package dev.strata.build.context;

import dev.strata.build.dockerfile.CopySpec;
import dev.strata.build.dockerfile.Instruction;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What {@link BuildContext#plan} needs to resolve one COPY or ADD.
 *
 * @param keyword {@code COPY} or {@code ADD} (ADD extracts local tars and downloads URLs)
 * @param line the instruction's line, for errors
 * @param spec the instruction's sources, destination and flags, already substituted ({@link
 *     dev.strata.build.dockerfile.Scope#expand})
 * @param workingDirectory the stage's WORKDIR, absolute: a relative destination is under it
 * @param isDirectoryInImage whether an absolute clean path is a directory in the image being
 *     built (following its symlinks): a file copied to a destination without a trailing slash
 *     goes inside it when it is
 * @param users the image's users and groups, for {@code --chown} names
 * @param checksum ADD's {@code --checksum} (for a URL source), empty for COPY
 */
public record CopyRequest(
    String keyword,
    int line,
    CopySpec spec,
    String workingDirectory,
    Predicate<String> isDirectoryInImage,
    UserDatabase users,
    Optional<String> checksum) {
  /**
   * The request of an expanded COPY or ADD.
   *
   * @throws IllegalArgumentException for any other instruction
   */
  public static CopyRequest of(
      Instruction expanded, String workingDirectory, Predicate<String> isDirectoryInImage, UserDatabase users) {
    return switch (expanded) {
      case Instruction.Copy c -> new CopyRequest("COPY", c.line(), c.spec(), workingDirectory, isDirectoryInImage, users, Optional.empty());
      case Instruction.Add a -> new CopyRequest("ADD", a.line(), a.spec(), workingDirectory, isDirectoryInImage, users, a.checksum());
      default -> throw new IllegalArgumentException("not COPY or ADD: " + expanded.keyword());
    };
  }

  /** Whether this is an ADD. */
  public boolean isAdd() {
    return keyword.equals("ADD");
  }
}
