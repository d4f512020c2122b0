package dev.strata.core.image;

import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A normalized image reference, as docker and containerd normalize them (distribution's {@code
 * reference.ParseNormalizedNamed}): {@code debian} is {@code docker.io/library/debian:latest},
 * {@code me/app:1} is {@code docker.io/me/app:1}, {@code index.docker.io/x} is {@code
 * docker.io/library/x:latest}, and {@code repo@sha256:...} keeps its digest and gets no tag.
 *
 * <p>The first component is a registry domain when it contains a dot or a colon, is {@code
 * localhost}, or has an uppercase letter; otherwise the domain is {@code docker.io}. Repository
 * components are lowercase; tags are {@code [\w][\w.-]{0,127}}; the repository (domain and path)
 * is at most 255 characters.
 *
 * @param domain the registry, such as {@code docker.io}
 * @param path the repository path within it, such as {@code library/debian}
 * @param tag the tag, if any
 * @param digest the digest, if any
 */
public record ImageName(String domain, String path, Optional<String> tag, Optional<Digest> digest) {
  /** Docker Hub, the default registry. */
  public static final String DOCKER_HUB = "docker.io";

  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?");
  private static final Pattern PATH =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final int MAX_NAME = 255;

  /** Validates every part. */
  public ImageName {
    String full = domain + "/" + path;
    if (!DOMAIN.matcher(domain).matches()) {
      throw invalid(full, "invalid registry domain '" + domain + "'");
    }
    if (!PATH.matcher(path).matches()) {
      throw invalid(full, "invalid repository path '" + path + "' (lowercase letters, digits and separators . _ __ -)");
    }
    if (full.length() > MAX_NAME) {
      throw invalid(full, "repository name longer than " + MAX_NAME + " characters");
    }
    if (tag.isPresent() && !TAG.matcher(tag.get()).matches()) {
      throw invalid(full + ":" + tag.get(), "invalid tag '" + tag.get() + "'");
    }
  }

  /**
   * Parses and normalizes {@code reference}.
   *
   * @throws InvalidArgumentException when it is not a valid image reference
   */
  public static ImageName parse(String reference) {
    if (reference == null || reference.isEmpty()) {
      throw invalid(String.valueOf(reference), "empty image reference");
    }
    String rest = reference;
    Optional<Digest> digest = Optional.empty();
    int at = rest.indexOf('@');
    if (at >= 0) {
      try {
        digest = Optional.of(Digest.parse(rest.substring(at + 1)));
      } catch (InvalidArgumentException e) {
        throw invalid(reference, "invalid digest in image reference: " + e.getMessage());
      }
      rest = rest.substring(0, at);
    }
    Optional<String> tag = Optional.empty();
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = Optional.of(rest.substring(colon + 1));
      rest = rest.substring(0, colon);
    }
    String domain = DOCKER_HUB;
    String path = rest;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost") || !first.equals(first.toLowerCase(java.util.Locale.ROOT))) {
        domain = first;
        path = rest.substring(slash + 1);
      }
    }
    if (domain.equals("index.docker.io")) {
      domain = DOCKER_HUB;
    }
    if (domain.equals(DOCKER_HUB) && !path.contains("/")) {
      path = "library/" + path;
    }
    if (tag.isEmpty() && digest.isEmpty()) {
      tag = Optional.of("latest");
    }
    try {
      return new ImageName(domain, path, tag, digest);
    } catch (InvalidArgumentException e) {
      throw invalid(reference, "invalid image reference '" + reference + "': " + e.getMessage());
    }
  }

  /** Whether {@code text} parses as an image reference. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (InvalidArgumentException e) {
      return false;
    }
  }

  /** {@code domain/path}, without tag or digest. */
  public String repository() {
    return domain + "/" + path;
  }

  /** The normalized text form: {@code domain/path[:tag][@digest]}. */
  @Override
  public String toString() {
    return repository() + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
  }

  private static InvalidArgumentException invalid(String subject, String message) {
    return new InvalidArgumentException(subject, message);
  }
}
