package dev.strata.build.dockerfile;

import java.util.Optional;

/**
 * One name of an ARG instruction, with its default when it has {@code =value} (as written, until
 * {@link Scope#expand}).
 */
public record ArgDeclaration(String name, Optional<String> defaultValue) {}
