package dev.strata.core.internal.transfer;

import dev.strata.core.transfer.MalformedArchiveException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * A tar archive read by random access: the headers are read once when it opens, then any member
 * is streamed on demand, so an archive that lists its index after its blobs (as skopeo writes
 * them) is read in the order the image graph needs, in one pass over each blob.
 *
 * <p>Every member name is checked when the archive opens, whether or not it is used: an archive
 * with an absolute or {@code ..} path is refused whole. A member whose data runs past the end of
 * the file (a truncated archive) is refused too.
 */
final class TarSource implements Source {
  private final String file;
  private final TarFile tar;
  private final Map<String, TarArchiveEntry> files = new HashMap<>();

  private TarSource(String file, TarFile tar) {
    this.file = file;
    this.tar = tar;
  }

  /** Opens {@code path}; messages name it {@code file} (the user's name for a staged stream). */
  static TarSource open(Path path, String file) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    long length = channel.size();
    TarFile tar;
    try {
      tar = new TarFile(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw new MalformedArchiveException(file, "cannot read " + file + " as a tar archive (truncated or corrupt?): " + e.getMessage(), e);
    }
    TarSource source = new TarSource(file, tar);
    try {
      for (TarArchiveEntry entry : tar.getEntries()) {
        String name = MemberPaths.normalize(entry.getName(), file);
        if (!entry.isFile() || entry.isLink()) {
          // links are never followed (members are found by their own names only), so their
          // targets, such as the ../HEX.tar of a docker-archive's legacy layer.tar, are harmless
          continue;
        }
        if (entry.getDataOffset() + entry.getSize() > length) {
          throw new MalformedArchiveException(
              entry.getName(), file + " is truncated: member " + entry.getName() + " needs " + entry.getSize() + " bytes past the end");
        }
        if (source.files.put(name, entry) != null) {
          throw new MalformedArchiveException(entry.getName(), file + " holds member " + entry.getName() + " twice");
        }
      }
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
    return source;
  }

  @Override
  public Optional<Member> find(String path) {
    String normalized = MemberPaths.normalize(path, describe());
    TarArchiveEntry entry = files.get(normalized);
    return entry == null ? Optional.empty() : Optional.of(new Member(normalized, entry.getSize()));
  }

  @Override
  public InputStream open(Member member) throws IOException {
    return tar.getInputStream(files.get(member.path()));
  }

  @Override
  public String describe() {
    return file;
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}
