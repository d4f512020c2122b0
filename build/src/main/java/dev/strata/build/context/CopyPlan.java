package dev.strata.build.context;

import dev.strata.core.digest.Digest;
import dev.strata.core.digest.DigestAlgorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * What one COPY or ADD puts into the image: its {@link CopyEntry}s in order (parents first, each
 * directory's entries sorted by name), to be written in that order.
 *
 * @param entries the entries; a later entry with the destination of an earlier one replaces it
 */
public record CopyPlan(List<CopyEntry> entries) {
  /** Copies the list. */
  public CopyPlan {
    entries = List.copyOf(entries);
  }

  /**
   * The sha256 digest of what the plan copies, for the build cache key: each entry's kind,
   * destination, mode, owner, link target, and the bytes of its files (read now); never
   * modification times (BuildKit's cache ignores them too). A download counts by its URL and
   * checksum only: its bytes are the executor's to add.
   *
   * @throws IOException if a source file cannot be read
   */
  public Digest digest() throws IOException {
    return digest(StatCache.none());
  }

  /**
   * {@link #digest()}, taking the files' content digests from {@code files}, which reads only the
   * files whose stat changed since it last hashed them.
   *
   * @throws IOException if a source file cannot be read
   */
  public Digest digest(StatCache files) throws IOException {
    MessageDigest md = sha256();
    for (CopyEntry entry : entries) {
      String fields =
          switch (entry) {
            case CopyEntry.Directory d -> "dir " + d.mode() + " " + d.onlyIfMissing();
            case CopyEntry.File f -> "file " + f.mode() + " " + f.size() + " " + files.digest(f.source());
            case CopyEntry.Inline i -> "inline " + i.mode() + " " + Digest.sha256(i.bytes());
            case CopyEntry.Symlink s -> "symlink " + s.target();
            case CopyEntry.Extract x ->
                "extract " + x.compression() + " " + x.chown() + " " + x.mode().map(String::valueOf).orElse("-")
                    + " " + files.digest(x.source());
            case CopyEntry.Download d ->
                "download " + d.mode() + " " + d.url() + " " + d.checksum().orElse("-");
          };
      String record =
          entry.destination() + "\0" + entry.owner().uid() + ":" + entry.owner().gid() + "\0" + fields + "\0";
      md.update(record.getBytes(StandardCharsets.UTF_8));
    }
    return Digest.of(DigestAlgorithm.SHA256, md.digest());
  }

  /** The destinations, in order (for messages and tests). */
  public List<String> destinations() {
    return entries.stream().map(CopyEntry::destination).toList();
  }

  /** The entry at {@code destination}, the last one when several are. */
  public Optional<CopyEntry> entry(String destination) {
    return entries.reversed().stream().filter(e -> e.destination().equals(destination)).findFirst();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
