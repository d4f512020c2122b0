package dev.strata.core.spi;

/**
 * A key and its value, both copied out of the transaction that read them: valid after it ends.
 *
 * @param key the key's bytes
 * @param value the value's bytes
 */
public record Entry(byte[] key, byte[] value) {}
