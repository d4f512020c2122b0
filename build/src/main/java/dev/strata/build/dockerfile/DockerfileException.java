package dev.strata.build.dockerfile;

import dev.strata.core.error.InvalidArgumentException;

/**
 * A Dockerfile that cannot be built as written: an unknown instruction, a bad JSON form, missing
 * arguments, an unterminated here-document, no {@code FROM}, a duplicate stage name, a bad
 * variable substitution. The message reads {@code FILE:LINE: INSTRUCTION: reason}; the subject is
 * the file.
 */
public class DockerfileException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final String instruction;
  private final String reason;

  /**
   * Creates the error for {@code instruction} (its keyword, upper case, or empty when the error
   * is not about one instruction) at 1-based {@code line} of {@code file}.
   */
  public DockerfileException(String file, int line, String instruction, String reason) {
    super(file, message(file, line, instruction, reason));
    this.file = file;
    this.line = line;
    this.instruction = instruction;
    this.reason = reason;
  }

  private static String message(String file, int line, String instruction, String reason) {
    return file + ":" + line + ": " + (instruction.isEmpty() ? "" : instruction + ": ") + reason;
  }

  /** The Dockerfile's name as the user gave it. */
  public String file() {
    return file;
  }

  /** The 1-based line where the instruction starts. */
  public int line() {
    return line;
  }

  /** The instruction's keyword, upper case, or empty when the error concerns the whole file. */
  public String instruction() {
    return instruction;
  }

  /** The reason alone, without the location. */
  public String reason() {
    return reason;
  }
}
