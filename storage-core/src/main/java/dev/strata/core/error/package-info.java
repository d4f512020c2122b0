/**
 * strata's error categories: one small unchecked hierarchy, each error carrying its subject.
 */
@NullMarked
package dev.strata.core.error;

import org.jspecify.annotations.NullMarked;
