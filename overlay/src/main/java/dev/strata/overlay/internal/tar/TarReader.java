package dev.strata.overlay.internal.tar;

import dev.strata.overlay.changeset.MalformedLayerException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads tar members one after the other from a stream, never buffering past what it consumes, so
 * the caller can hash everything it reads and then drain the rest. Not thread-safe.
 *
 * <p>Rules (Go's archive/tar, which produced and reads most layers, where POSIX leaves room):
 * header-only types (links, directories, devices, FIFOs) carry no data whatever their size field
 * says; EOF at a header boundary ends the archive like the two zero blocks do, and so does EOF
 * inside the zero padding after a member's complete data ({@code umoci insert} 0.4.7 ends its
 * layers right after the last member's data); EOF inside a header or a member's data is a
 * truncated archive; a type flag outside the list in {@link TarType} is refused.
 */
public final class TarReader {
  /** Cap on one GNU long name or PAX header: a hostile size must not make us allocate it. */
  private static final int MAX_META = 8 << 20;

  private final InputStream in;
  private final byte[] block = new byte[HeaderBlock.SIZE];
  private final PaxHeaders global = new PaxHeaders();
  private long position;
  private long remaining; // data bytes of the current member not yet read
  private long padding; // zero bytes after the current member's data
  private boolean ended; // EOF met in a member's padding: the archive ends there
  private String current = "";

  public TarReader(InputStream in) {
    this.in = in;
  }

  /** Byte offset in the stream of the next byte to read. */
  public long position() {
    return position;
  }

  /** The next member, skipping what is left of the current one; empty at the end of the archive. */
  public Optional<TarEntry> next() throws IOException {
    skipRest(true);
    if (ended) {
      return Optional.empty();
    }
    PaxHeaders pax = new PaxHeaders();
    @Nullable String longName = null;
    @Nullable String longLink = null;
    long first = position;
    while (true) {
      long at = position;
      if (!readBlock(true)) {
        return Optional.empty();
      }
      HeaderBlock h = new HeaderBlock(block.clone(), at);
      if (h.isZero()) {
        if (readBlock(true) && !new HeaderBlock(block, position - 512).isZero()) {
          throw new MalformedLayerException("offset " + at, "stray zero block at offset " + at);
        }
        return Optional.empty();
      }
      h.verifyChecksum();
      byte flag = h.typeflag();
      switch (flag) {
        case 'L' -> longName = cString(readMeta(h, at));
        case 'K' -> longLink = cString(readMeta(h, at));
        case 'x' -> pax.parse(readMeta(h, at), at);
        case 'g' -> global.parse(readMeta(h, at), at);
        default -> {
          pax.inherit(global);
          return Optional.of(entry(h, flag, pax, longName, longLink, first));
        }
      }
    }
  }

  /** The current member's data: for a sparse file, its regions back to back. */
  public InputStream content() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        if (remaining == 0) {
          return -1;
        }
        int n = in.read(buf, off, (int) Math.min(len, remaining));
        if (n < 0) {
          throw truncated();
        }
        remaining -= n;
        position += n;
        return n;
      }
    };
  }

  private TarEntry entry(
      HeaderBlock h, byte flag, PaxHeaders pax, @Nullable String longName, @Nullable String longLink, long first)
      throws IOException {
    long at = first;
    String name = pax.string("path") != null ? pax.string("path") : longName != null ? longName : h.name();
    String sparseName = pax.string("GNU.sparse.name");
    if (sparseName != null) {
      name = sparseName;
    }
    current = name;
    String link = pax.string("linkpath") != null ? pax.string("linkpath") : longLink != null ? longLink : h.linkName();
    TarType type =
        switch (flag) {
          case '0', '7', 'S' -> TarType.REGULAR;
          case 0 -> name.endsWith("/") ? TarType.DIRECTORY : TarType.REGULAR;
          case '1' -> TarType.HARDLINK;
          case '2' -> TarType.SYMLINK;
          case '3' -> TarType.CHAR_DEVICE;
          case '4' -> TarType.BLOCK_DEVICE;
          case '5' -> TarType.DIRECTORY;
          case '6' -> TarType.FIFO;
          default ->
              throw new MalformedLayerException(
                  name, "entry '" + printable(name) + "' has unsupported tar type '" + (char) flag + "'");
        };
    Long paxSize = pax.number("size", at);
    long size = paxSize != null ? paxSize : h.size();
    Instant mtime = pax.time("mtime", at);
    Long uid = pax.number("uid", at);
    Long gid = pax.number("gid", at);
    SparseMap sparse = null;
    if (flag == 'S') {
      sparse = gnuSparse(h, name);
    }
    if (type != TarType.REGULAR) {
      size = 0; // header-only type: nothing follows (Go's archive/tar)
    }
    remaining = size;
    padding = (HeaderBlock.SIZE - size % HeaderBlock.SIZE) % HeaderBlock.SIZE;
    if (type == TarType.REGULAR && sparse == null) {
      sparse = paxSparse(pax, name, at);
    }
    if (sparse != null) {
      sparse.validate(printable(name), remaining);
    }
    return new TarEntry(
        name,
        type,
        link,
        h.mode(),
        uid != null ? uid : h.uid(),
        gid != null ? gid : h.gid(),
        remaining,
        mtime != null ? mtime : Instant.ofEpochSecond(h.mtime()),
        type == TarType.CHAR_DEVICE || type == TarType.BLOCK_DEVICE ? h.devMajor() : 0,
        type == TarType.CHAR_DEVICE || type == TarType.BLOCK_DEVICE ? h.devMinor() : 0,
        pax.xattrs(at),
        sparse,
        at);
  }

  /** GNU old sparse ('S'): four regions in the header, 21 per extension block after it. */
  private SparseMap gnuSparse(HeaderBlock h, String name) throws IOException {
    List<SparseMap.Region> regions = new ArrayList<>();
    h.sparseRegions(386, 4, regions);
    boolean extended = h.gnuIsExtended();
    while (extended) {
      long at = position;
      if (!readBlock(false)) {
        throw truncated();
      }
      HeaderBlock ext = new HeaderBlock(block.clone(), at);
      ext.sparseRegions(0, 21, regions);
      extended = ext.byteAt(504);
    }
    return new SparseMap(h.gnuRealSize(), regions);
  }

  /** PAX sparse: 1.0 keeps the map at the start of the data, 0.1 in one record, 0.0 in pairs. */
  private @Nullable SparseMap paxSparse(PaxHeaders pax, String name, long at) throws IOException {
    String major = pax.string("GNU.sparse.major");
    String minor = pax.string("GNU.sparse.minor");
    List<Long> numbers = new ArrayList<>();
    long realSize;
    if ("1".equals(major) && "0".equals(minor)) {
      Long real = pax.number("GNU.sparse.realsize", at);
      realSize = real == null ? 0 : real;
      readSparseMap10(numbers, name);
    } else if (pax.string("GNU.sparse.map") != null) {
      Long real = pax.number("GNU.sparse.size", at);
      realSize = real == null ? 0 : real;
      for (String n : pax.string("GNU.sparse.map").split(",", -1)) {
        numbers.add(PaxHeaders.decimal("GNU.sparse.map", n.getBytes(StandardCharsets.ISO_8859_1), at));
      }
    } else if (!pax.sparse00().isEmpty()) {
      Long real = pax.number("GNU.sparse.size", at);
      realSize = real == null ? 0 : real;
      numbers.addAll(pax.sparse00());
    } else {
      return null;
    }
    if (numbers.size() % 2 != 0) {
      throw new MalformedLayerException(name, "entry '" + printable(name) + "' has an odd sparse map");
    }
    List<SparseMap.Region> regions = new ArrayList<>();
    for (int i = 0; i < numbers.size(); i += 2) {
      regions.add(new SparseMap.Region(numbers.get(i), numbers.get(i + 1)));
    }
    return new SparseMap(realSize, regions);
  }

  /** Sparse 1.0: decimal numbers, one per line (count, then pairs), padded to a whole block. */
  private void readSparseMap10(List<Long> numbers, String name) throws IOException {
    InputStream data = content();
    long consumed = 0;
    long expected = -1;
    StringBuilder digits = new StringBuilder();
    while (expected < 0 || numbers.size() < expected) {
      int c = data.read();
      consumed++;
      if (c < 0 || consumed > MAX_META) {
        throw new MalformedLayerException(name, "entry '" + printable(name) + "' has a bad sparse map");
      }
      if (c != '\n') {
        digits.append((char) c);
        continue;
      }
      long n = PaxHeaders.decimal("sparse map", digits.toString().getBytes(StandardCharsets.ISO_8859_1), position);
      digits.setLength(0);
      if (expected < 0) {
        expected = n * 2;
      } else {
        numbers.add(n);
      }
    }
    data.skipNBytes((HeaderBlock.SIZE - consumed % HeaderBlock.SIZE) % HeaderBlock.SIZE);
  }

  private byte[] readMeta(HeaderBlock h, long at) throws IOException {
    long size = h.size();
    if (size > MAX_META) {
      throw new MalformedLayerException("offset " + at, "tar metadata header at offset " + at + " is too large");
    }
    remaining = size;
    padding = (HeaderBlock.SIZE - size % HeaderBlock.SIZE) % HeaderBlock.SIZE;
    current = "header at offset " + at;
    byte[] data = content().readNBytes((int) size);
    skipRest(false); // a PAX or long-name header must be followed by its member
    return data;
  }

  /**
   * Skips the rest of the current data and its padding. With {@code eofEndsInPadding}, EOF inside
   * the padding (the data itself complete) ends the archive rather than truncating it, as Go's
   * archive/tar reads it: the padding carries nothing.
   */
  private void skipRest(boolean eofEndsInPadding) throws IOException {
    InputStream data = content();
    byte[] skip = new byte[8192];
    while (data.read(skip, 0, skip.length) >= 0) {
      // discard
    }
    while (padding > 0) {
      int n = in.read(skip, 0, (int) Math.min(padding, skip.length));
      if (n < 0) {
        if (!eofEndsInPadding) {
          throw truncated();
        }
        padding = 0;
        ended = true;
        return;
      }
      padding -= n;
      position += n;
    }
  }

  /** Reads one block; false on EOF before its first byte when {@code eofOk}. */
  private boolean readBlock(boolean eofOk) throws IOException {
    int n = in.readNBytes(block, 0, HeaderBlock.SIZE);
    position += n;
    if (n == 0 && eofOk) {
      return false;
    }
    if (n < HeaderBlock.SIZE) {
      throw new MalformedLayerException(
          "offset " + position, "truncated tar: the stream ends inside a header at offset " + position);
    }
    return true;
  }

  private MalformedLayerException truncated() {
    return new MalformedLayerException(
        printable(current), "truncated tar: entry '" + printable(current) + "' is cut off at offset " + position);
  }

  private static String cString(byte[] data) {
    int end = 0;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    return new String(data, 0, end, StandardCharsets.ISO_8859_1);
  }

  static String printable(String name) {
    return new String(name.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
