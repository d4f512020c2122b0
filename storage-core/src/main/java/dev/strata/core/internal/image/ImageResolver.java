package dev.strata.core.internal.image;

import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.image.AmbiguousImageReferenceException;
import dev.strata.core.image.Image;
import dev.strata.core.image.ImageName;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Finds the image a user means, in docker's order (see {@link
 * dev.strata.core.image.ImageStore#find}): the record of that exact name; for {@code
 * name@digest}, a record of that repository whose target has that digest; a full manifest digest;
 * a digest prefix of at least {@value #MIN_PREFIX} hex digits. A pure function of the records, so
 * that reads and writes resolve inside their own transaction.
 */
final class ImageResolver {
  /** The shortest digest prefix accepted, as docker's 12-digit image IDs. */
  static final int MIN_PREFIX = 12;

  private static final Pattern PREFIX = Pattern.compile("(?:([a-z0-9]+):)?([0-9a-f]{" + MIN_PREFIX + ",})");

  private ImageResolver() {}

  /**
   * The image {@code reference} means, among records found by {@code byName} (exact, normalized
   * names) and {@code all}.
   *
   * @throws AmbiguousImageReferenceException when a digest prefix matches several digests
   */
  static Optional<Image> resolve(String reference, Function<String, Optional<Image>> byName, List<Image> all) {
    Optional<ImageName> name = parse(reference);
    if (name.isPresent()) {
      Optional<Image> exact = byName.apply(name.get().toString());
      if (exact.isPresent()) {
        return exact;
      }
      if (name.get().digest().isPresent()) {
        Digest digest = name.get().digest().get();
        String repository = name.get().repository();
        return first(all.stream().filter(i -> i.target().digest().equals(digest) && ImageName.parse(i.name()).repository().equals(repository)).toList());
      }
    }
    var prefix = PREFIX.matcher(reference);
    if (!prefix.matches()) {
      if (name.isEmpty()) {
        ImageName.parse(reference); // throws the parse error naming what is wrong
      }
      return Optional.empty();
    }
    String algorithm = prefix.group(1);
    String hex = prefix.group(2);
    List<Image> matches =
        all.stream()
            .filter(i -> algorithm == null || i.target().digest().algorithm().id().equals(algorithm))
            .filter(i -> i.target().digest().encoded().startsWith(hex))
            .toList();
    List<Digest> digests = matches.stream().map(i -> i.target().digest()).distinct().toList();
    if (digests.size() > 1) {
      throw new AmbiguousImageReferenceException(reference, matches.stream().map(i -> i.name() + "@" + i.target().digest()).toList());
    }
    return first(matches);
  }

  /** Of records that share one digest, the first by name, so the answer does not depend on order. */
  private static Optional<Image> first(List<Image> matches) {
    return matches.stream().min(Comparator.comparing(Image::name));
  }

  private static Optional<ImageName> parse(String reference) {
    try {
      return Optional.of(ImageName.parse(reference));
    } catch (InvalidArgumentException e) {
      return Optional.empty();
    }
  }
}
