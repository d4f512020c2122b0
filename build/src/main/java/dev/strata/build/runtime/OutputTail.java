package dev.strata.build.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Copies a process's output streams to their destinations as they come, keeping the last lines
 * of both for the error message of a failed run.
 */
final class OutputTail {
  /** Lines a failure shows: enough to see the error, few enough to read. */
  static final int LINES = 10;
  /** A longer line is cut: a progress bar without newlines must not grow the message. */
  private static final int LINE_LIMIT = 400;

  private final Deque<String> lines = new ArrayDeque<>();

  /** Copies {@code in} to {@code out} until it ends, on a thread of its own. */
  Thread pump(InputStream in, OutputStream out) {
    return Thread.ofPlatform().daemon().name("strata-run-output").start(() -> {
      StringBuilder line = new StringBuilder();
      byte[] buffer = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          synchronized (out) {
            out.write(buffer, 0, n);
            out.flush();
          }
          for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n') {
              add(line.toString());
              line.setLength(0);
            } else if (line.length() < LINE_LIMIT) {
              line.append((char) (buffer[i] & 0xff));
            }
          }
        }
      } catch (IOException e) {
        add("(output lost: " + e.getMessage() + ")");
      }
      if (!line.isEmpty()) {
        add(line.toString());
      }
    });
  }

  private synchronized void add(String latin1) {
    lines.addLast(new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    if (lines.size() > LINES) {
      lines.removeFirst();
    }
  }

  /** The last lines, oldest first. */
  synchronized List<String> lines() {
    return new ArrayList<>(lines);
  }
}
