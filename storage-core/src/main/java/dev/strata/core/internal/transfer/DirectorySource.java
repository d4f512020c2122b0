package dev.strata.core.internal.transfer;

import dev.strata.core.transfer.UnsafePathException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/** An image layout directory. Symbolic links inside it are refused, so nothing outside is read. */
final class DirectorySource implements Source {
  private final Path root;

  DirectorySource(Path root) {
    this.root = root;
  }

  @Override
  public Optional<Member> find(String path) throws IOException {
    String normalized = MemberPaths.normalize(path, describe());
    if (normalized.isEmpty()) {
      return Optional.empty();
    }
    Path current = root;
    String[] parts = normalized.split("/");
    for (int i = 0; i < parts.length; i++) {
      current = current.resolve(parts[i]);
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(current, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (java.nio.file.NoSuchFileException e) {
        return Optional.empty();
      }
      if (attrs.isSymbolicLink()) {
        throw new UnsafePathException(path, describe(), "passes through the symbolic link " + current);
      }
      if (i == parts.length - 1) {
        return attrs.isRegularFile() ? Optional.of(new Member(normalized, attrs.size())) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  @Override
  public InputStream open(Member member) throws IOException {
    return Files.newInputStream(root.resolve(member.path()), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public String describe() {
    return root.toString();
  }

  @Override
  public void close() {}
}
