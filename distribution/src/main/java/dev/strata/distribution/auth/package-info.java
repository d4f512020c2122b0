/**
 * Registry credentials: where they come from (the command line, containers' auth files, docker's
 * config and its credential helpers) and how {@code strata login} stores them.
 */
@NullMarked
package dev.strata.distribution.auth;

import org.jspecify.annotations.NullMarked;
