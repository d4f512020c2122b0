package dev.strata.build.runtime;

/** The network a process sees ({@code RUN --network}, {@code strata build --network}). */
public enum NetworkMode {
  /** Its own network namespace holding only the loopback interface: Docker's default for builds. */
  NONE,
  /** The host's network namespace. */
  HOST;

  /** The mode named {@code none} or {@code host}. */
  public static NetworkMode parse(String name) {
    return switch (name) {
      case "none" -> NONE;
      case "host" -> HOST;
      default -> throw new dev.strata.core.error.InvalidArgumentException(name, "unknown network mode " + name + " (have: none, host)");
    };
  }
}
