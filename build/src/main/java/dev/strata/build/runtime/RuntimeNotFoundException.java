package dev.strata.build.runtime;

import dev.strata.core.error.NotFoundException;

/** No OCI runtime of the name asked for is installed. */
public final class RuntimeNotFoundException extends NotFoundException {
  private static final long serialVersionUID = 1L;

  /** {@code name} (such as {@code runc}) is found neither on PATH nor in the usual directories. */
  public RuntimeNotFoundException(String name) {
    super(name, "OCI runtime " + name + " not found on PATH: install runc (Debian package runc) or crun, or pick one with --runtime");
  }
}
