package dev.strata.core.internal.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Files of an image layout or archive by their path inside it, whichever container holds them (a
 * directory or a tar). Paths are relative, {@code /}-separated and checked: no absolute path, no
 * {@code ..}, no symbolic link.
 */
interface Source extends AutoCloseable {

  /** A regular file of the source. */
  record Member(String path, long size) {}

  /** The regular file at {@code path}, or empty when there is none. */
  Optional<Member> find(String path) throws IOException;

  /** Streams {@code member}'s bytes. */
  InputStream open(Member member) throws IOException;

  /** Names the source in messages: the path of the directory or archive. */
  String describe();

  @Override
  void close() throws IOException;
}
