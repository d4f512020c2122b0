package dev.strata.core.internal.transfer;

import dev.strata.core.transfer.NotRegularFileException;
import dev.strata.core.transfer.UnsafePathException;
import dev.strata.linux.Beneath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * An image layout directory, held open by descriptor. Every file is looked up by the kernel below
 * that descriptor without following any symbolic link ({@link Beneath}), and read through the
 * descriptor the lookup gave: no name is resolved twice, so swapping a component for a link
 * while an import runs cannot make it read outside the layout. An entry that is not a regular
 * file is refused without being opened.
 */
final class DirectorySource implements Source {
  private final Path root;
  private final Beneath dir;

  DirectorySource(Path root) throws IOException {
    this.root = root;
    this.dir = Beneath.open(root);
  }

  @Override
  public Optional<Member> find(String path) throws IOException {
    String normalized = MemberPaths.normalize(path, describe());
    if (normalized.isEmpty()) {
      return Optional.empty();
    }
    try (Opened opened = openRegular(path, normalized)) {
      return opened == null ? Optional.empty() : Optional.of(new Member(normalized, opened.channel.size()));
    }
  }

  @Override
  public InputStream open(Member member) throws IOException {
    Opened opened = openRegular(member.path(), member.path());
    if (opened == null) {
      throw new java.nio.file.NoSuchFileException(member.path() + " in " + describe());
    }
    return Channels.newInputStream(opened.channel);
  }

  /** The regular file at {@code normalized}, open for reading; null when there is none. */
  private Opened openRegular(String path, String normalized) throws IOException {
    switch (dir.lookup(normalized)) {
      case Beneath.Refusal.ABSENT -> {
        return null;
      }
      case Beneath.Refusal.ESCAPES -> throw new UnsafePathException(path, describe(), "passes through a symbolic link");
      case Beneath.Found entry -> {
        try (Beneath.Found found = entry) {
          BasicFileAttributes attrs = Files.readAttributes(found.procPath(), BasicFileAttributes.class);
          if (!attrs.isRegularFile()) {
            throw new NotRegularFileException(normalized, describe(), kind(found.procPath(), attrs));
          }
          // reopening the magic link opens the inode found above; no name is looked up again
          return new Opened(FileChannel.open(found.procPath(), StandardOpenOption.READ));
        }
      }
    }
  }

  private static String kind(Path proc, BasicFileAttributes attrs) throws IOException {
    if (attrs.isDirectory()) {
      return "directory";
    }
    int mode = (Integer) Files.getAttribute(proc, "unix:mode");
    return switch (mode & 0170000) {
      case 0010000 -> "FIFO";
      case 0020000 -> "character device";
      case 0060000 -> "block device";
      case 0140000 -> "socket";
      default -> "special file";
    };
  }

  /** A read channel, closed with the lookup when only its size was wanted. */
  private record Opened(FileChannel channel) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  @Override
  public String describe() {
    return root.toString();
  }

  @Override
  public void close() {
    dir.close();
  }
}
