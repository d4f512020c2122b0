/**
 * The Dockerfile front end: {@link dev.strata.build.dockerfile.DockerfileParser} reads a
 * Dockerfile into a {@link dev.strata.build.dockerfile.Dockerfile} of {@link
 * dev.strata.build.dockerfile.Stage}s, each a list of {@link
 * dev.strata.build.dockerfile.Instruction}s (one record per instruction, words as written);
 * {@link dev.strata.build.dockerfile.Scope} tracks ARG and ENV while a stage is walked and expands
 * an instruction's words through {@link dev.strata.build.dockerfile.Substitution}, in the
 * instructions where Docker substitutes variables.
 */
@NullMarked
package dev.strata.build.dockerfile;

import org.jspecify.annotations.NullMarked;
