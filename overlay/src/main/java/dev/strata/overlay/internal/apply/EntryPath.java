package dev.strata.overlay.internal.apply;

import dev.strata.linux.Names;
import dev.strata.overlay.changeset.UnsafeEntryException;
import java.util.ArrayList;
import java.util.List;

/**
 * A member name made relative to the root: leading slashes dropped (like GNU tar and
 * containerd), empty and {@code .} components dropped, {@code ..} folded lexically. A name whose
 * {@code ..} climbs above the root, or that holds a NUL (the kernel would cut it there), is
 * refused rather than clamped: no honest layer writer makes one.
 *
 * @param raw the name as the tar spells it (bytes as chars)
 * @param parts the components, none empty, {@code .} or {@code ..}; empty for the root itself
 */
record EntryPath(String raw, List<String> parts) {
  EntryPath {
    parts = List.copyOf(parts);
  }

  static EntryPath parse(String raw) {
    if (raw.indexOf('\0') >= 0) {
      throw new UnsafeEntryException(display(raw), "entry '" + display(raw) + "' has a NUL byte in its name");
    }
    List<String> parts = new ArrayList<>();
    for (String c : raw.split("/")) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (parts.isEmpty()) {
          throw new UnsafeEntryException(display(raw), "entry '" + display(raw) + "' climbs out of the root with '..'");
        }
        parts.removeLast();
        continue;
      }
      parts.add(c);
    }
    return new EntryPath(raw, parts);
  }

  boolean isRoot() {
    return parts.isEmpty();
  }

  /** The last component; only for a non-root path. */
  String base() {
    return parts.getLast();
  }

  /** The parent's components. */
  List<String> parentParts() {
    return parts.subList(0, parts.size() - 1);
  }

  /** The cleaned path, components joined by '/'. */
  String path() {
    return String.join("/", parts);
  }

  /** The raw name, readable. */
  String display() {
    return display(raw);
  }

  static String display(String raw) {
    return Names.toText(raw).replace("\0", "\\0");
  }
}
