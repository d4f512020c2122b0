package dev.strata.core.spi;

/**
 * A named table of the {@link Metadata} environment, opened once with {@link Metadata#table} and
 * used in any transaction of that environment. Keys sort as unsigned bytes.
 */
public interface Table {
  /** The table's name, unique in its environment. */
  String name();
}
