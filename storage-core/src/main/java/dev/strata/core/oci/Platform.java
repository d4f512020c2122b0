package dev.strata.core.oci;

import dev.strata.core.error.InvalidArgumentException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The platform an image runs on (image-spec image-index.md, "platform"): operating system,
 * architecture and an optional CPU variant. Values are kept normalized the way containerd's
 * {@code platforms.Normalize} does ({@code x86_64} is {@code amd64}, {@code aarch64} is {@code
 * arm64}, and {@code arm64}'s variant {@code v8} is the default, written as no variant), so two
 * equal platforms are equal records.
 *
 * @param os the operating system, such as {@code linux}
 * @param architecture the CPU architecture, such as {@code amd64}
 * @param variant the CPU variant, such as {@code v7} for {@code arm}
 * @param osVersion the operating system version, when the image names one (Windows)
 * @param osFeatures required operating system features, copied
 */
public record Platform(
    String os, String architecture, Optional<String> variant, Optional<String> osVersion, List<String> osFeatures) {

  /** Validates and normalizes the values. */
  public Platform {
    if (os == null || os.isBlank() || architecture == null || architecture.isBlank()) {
      throw new InvalidArgumentException(os + "/" + architecture, "platform needs an os and an architecture");
    }
    os = normalizeOs(os);
    String arch = architecture.toLowerCase(Locale.ROOT);
    Optional<String> v = variant.filter(s -> !s.isBlank()).map(s -> s.toLowerCase(Locale.ROOT));
    switch (arch) {
      case "x86_64", "x86-64", "amd64" -> {
        arch = "amd64";
        v = v.filter(s -> !s.equals("v1"));
      }
      case "aarch64", "arm64" -> {
        arch = "arm64";
        v = v.filter(s -> !s.equals("v8") && !s.equals("8"));
      }
      case "armhf" -> {
        arch = "arm";
        v = Optional.of("v7");
      }
      case "armel" -> {
        arch = "arm";
        v = Optional.of("v6");
      }
      case "i386", "i686" -> arch = "386";
      default -> {}
    }
    if (arch.equals("arm") && v.isPresent() && v.get().matches("[5-8]")) {
      v = Optional.of("v" + v.get());
    }
    architecture = arch;
    variant = v;
    osFeatures = List.copyOf(osFeatures);
  }

  /** {@code os/architecture} without a variant. */
  public static Platform of(String os, String architecture) {
    return new Platform(os, architecture, Optional.empty(), Optional.empty(), List.of());
  }

  /**
   * Parses {@code os/arch[/variant]}, as given to {@code --platform}.
   *
   * @throws InvalidArgumentException when the text has not two or three non-empty parts
   */
  public static Platform parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3 || java.util.Arrays.stream(parts).anyMatch(String::isBlank)) {
      throw new InvalidArgumentException(text, "platform must be os/arch[/variant], got '" + text + "'");
    }
    return new Platform(
        parts[0], parts[1], parts.length == 3 ? Optional.of(parts[2]) : Optional.empty(), Optional.empty(), List.of());
  }

  /** The platform of this machine, from {@code os.name} and {@code os.arch}. */
  public static Platform host() {
    return of(System.getProperty("os.name"), System.getProperty("os.arch"));
  }

  /**
   * Whether an image built for {@code candidate} suits this platform: same os and architecture,
   * and, when this platform names a variant, the same variant. Like containerd's default matcher
   * without its fallback to older arm variants.
   */
  public boolean accepts(Platform candidate) {
    return os.equals(candidate.os)
        && architecture.equals(candidate.architecture)
        && (variant.isEmpty() || variant.equals(candidate.variant));
  }

  /** {@code os/arch[/variant]}. */
  @Override
  public String toString() {
    return os + "/" + architecture + variant.map(v -> "/" + v).orElse("");
  }

  private static String normalizeOs(String os) {
    String lower = os.toLowerCase(Locale.ROOT);
    if (lower.startsWith("mac")) {
      return "darwin";
    }
    if (lower.startsWith("windows")) {
      return "windows";
    }
    return lower;
  }
}
