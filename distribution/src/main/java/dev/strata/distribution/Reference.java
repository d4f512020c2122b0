package dev.strata.distribution;

import dev.strata.core.digest.Digest;
import dev.strata.core.error.InvalidArgumentException;
import dev.strata.core.image.ImageName;
import java.net.URI;
import java.util.Optional;

/**
 * An image in a registry, normalized as docker normalizes references ({@link ImageName#parse}):
 * {@code debian} is {@code docker.io/library/debian:latest}, {@code localhost:5000/app} is {@code
 * localhost:5000/app:latest}, {@code repo@sha256:...} names a manifest by digest.
 *
 * <p>The registry's name is not always where it is served: Docker Hub ({@code docker.io}) answers
 * at {@code registry-1.docker.io} ({@link #endpointHost()}). Registries on a loopback address
 * ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}) may be spoken to over plain HTTP when they
 * do not speak TLS, as docker does; every other registry only over HTTPS unless TLS verification
 * is turned off ({@link #plainHttpAllowed(boolean)}).
 *
 * @param name the normalized name
 */
public record Reference(ImageName name) {
  /** Where Docker Hub's registry API is served. */
  public static final String DOCKER_HUB_ENDPOINT = "registry-1.docker.io";

  /**
   * Parses and normalizes {@code text}.
   *
   * @throws InvalidArgumentException when it is not a valid image reference
   */
  public static Reference parse(String text) {
    return new Reference(ImageName.parse(text));
  }

  /** The registry's name as written in references, such as {@code docker.io} or {@code host:5000}. */
  public String registry() {
    return name.domain();
  }

  /** The repository within the registry, such as {@code library/debian}. */
  public String repository() {
    return name.path();
  }

  /** The tag, if the reference has one. */
  public Optional<String> tag() {
    return name.tag();
  }

  /** The digest, if the reference pins one. */
  public Optional<Digest> digest() {
    return name.digest();
  }

  /** What to ask the registry for: the digest when there is one, else the tag. */
  public String selector() {
    return name.digest().map(Digest::toString).orElseGet(() -> name.tag().orElse("latest"));
  }

  /** {@code host[:port]} to connect to: {@code registry-1.docker.io} for Docker Hub. */
  public String endpointHost() {
    return registry().equals(ImageName.DOCKER_HUB) ? DOCKER_HUB_ENDPOINT : registry();
  }

  /** Whether the registry is on this machine by docker's rule (localhost, 127.0.0.0/8, ::1). */
  public boolean loopback() {
    return isLoopback(endpointHost());
  }

  /** The registry's base URI over {@code scheme} ({@code https} or {@code http}): {@code scheme://host[:port]}. */
  public URI baseUri(String scheme) {
    return URI.create(scheme + "://" + endpointHost());
  }

  /**
   * Whether plain HTTP may be spoken when the registry does not speak TLS (HTTPS is always tried
   * first): to a loopback registry (docker's rule), and to any registry when {@code tlsVerify} is
   * false (containers/image's rule for {@code --tls-verify=false}).
   */
  public boolean plainHttpAllowed(boolean tlsVerify) {
    return loopback() || !tlsVerify;
  }

  /** This reference with another tag and no digest. */
  public Reference withTag(String tag) {
    return new Reference(new ImageName(registry(), repository(), Optional.of(tag), Optional.empty()));
  }

  /** This reference pinned to {@code digest}, without a tag. */
  public Reference withDigest(Digest digest) {
    return new Reference(new ImageName(registry(), repository(), Optional.empty(), Optional.of(digest)));
  }

  /** {@code registry/repository}, without tag or digest. */
  public String repositoryName() {
    return name.repository();
  }

  /** The normalized text form. */
  @Override
  public String toString() {
    return name.toString();
  }

  /**
   * Whether {@code host} (with an optional {@code :port}, IPv6 in brackets) names this machine:
   * {@code localhost}, an address of {@code 127.0.0.0/8}, or {@code ::1}.
   */
  public static boolean isLoopback(String host) {
    String h = host;
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      h = end > 0 ? h.substring(1, end) : h;
    } else if (h.indexOf(':') == h.lastIndexOf(':') && h.indexOf(':') >= 0) {
      h = h.substring(0, h.indexOf(':'));
    }
    if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
      return true;
    }
    String[] parts = h.split("\\.", -1);
    if (parts.length != 4 || !parts[0].equals("127")) {
      return false;
    }
    for (String p : parts) {
      if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }
}
