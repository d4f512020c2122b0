package dev.strata.build.dockerfile;

/**
 * One {@code key=value} of ENV or LABEL. Before {@link Scope#expand} both hold the words as
 * written (quotes and escapes kept); after it, the values quotes and substitution produced.
 */
public record KeyValue(String key, String value) {}
