package dev.strata.snapshot;

import dev.strata.core.error.InvalidArgumentException;
import java.util.List;
import java.util.Optional;

/**
 * How to see a snapshot: one mount(8)-style instruction, as containerd's {@code mount.Mount}.
 * Examples: {@code bind /r/snapshots/overlay/7/fs [rbind, ro]}; {@code overlay overlay
 * [lowerdir=/r/.../3/fs:/r/.../2/fs, upperdir=/r/.../7/fs, workdir=/r/.../7/work]}.
 *
 * @param type the filesystem type ({@code bind}, {@code overlay})
 * @param source the device or directory
 * @param options mount options, in order; copied
 */
public record Mount(String type, String source, List<String> options) {

  /** Validates and copies. */
  public Mount {
    if (type.isBlank()) {
      throw new InvalidArgumentException(source, "mount of " + source + " has no type");
    }
    options = List.copyOf(options);
  }

  /** Whether the options ask for a read-only mount. */
  public boolean readOnly() {
    return options.contains("ro");
  }

  /** The value of option {@code key=value}, if present. */
  public Optional<String> option(String key) {
    String prefix = key + "=";
    return options.stream().filter(o -> o.startsWith(prefix)).map(o -> o.substring(prefix.length())).findFirst();
  }

  /** The mount as one line: {@code type source opt,opt}. */
  @Override
  public String toString() {
    return type + " " + source + " " + String.join(",", options);
  }
}
