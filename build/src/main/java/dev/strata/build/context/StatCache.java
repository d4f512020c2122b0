package dev.strata.build.context;

import dev.strata.core.digest.Digest;
import dev.strata.core.digest.DigestAlgorithm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The content digests of context files, remembered by their stat, so a rebuild does not read an
 * unchanged file again (BuildKit's contenthash does the same). A file's digest is reused only
 * when its path, size, modification and change times (nanoseconds), inode, device, mode, uid and
 * gid all equal what they were when it was hashed; anything else reads it again. The change time
 * is what catches a rewrite that keeps the size and sets the old mtime back ({@code touch -d}).
 *
 * <p>Racy entries: time stamps are coarse (a kernel tick), so a file written twice within one tick
 * may keep every stat field. As git does with its index, a digest is not remembered when the
 * file's mtime or ctime is within {@code racyWindow} of the moment it was hashed: such a file is
 * read again by the next build too.
 *
 * <p>{@link #write} and {@link #read} keep the entries in a small text form (one line a file) for
 * the store; {@link #none()} remembers nothing. Not thread-safe.
 */
public final class StatCache {
  /** The default racy window. */
  public static final Duration RACY_WINDOW = Duration.ofSeconds(2);

  private static final String HEADER = "strata-context-stat-cache 1";
  private static final String ATTRIBUTES = "unix:size,lastModifiedTime,ctime,ino,dev,mode,uid,gid";

  /** What a file's stat said when it was hashed. */
  private record Stat(long size, long mtime, long ctime, long ino, long dev, int mode, int uid, int gid) {
    static Stat of(Path file) throws IOException {
      Map<String, Object> a = Files.readAttributes(file, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
      return new Stat(
          (Long) a.get("size"), nanos(a.get("lastModifiedTime")), nanos(a.get("ctime")), (Long) a.get("ino"),
          (Long) a.get("dev"), (Integer) a.get("mode"), (Integer) a.get("uid"), (Integer) a.get("gid"));
    }

    private static long nanos(Object time) {
      return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }
  }

  private record Entry(Stat stat, String digest) {}

  private final Map<String, Entry> loaded;
  private final Map<String, Entry> used = new HashMap<>();
  private final boolean remember;
  private final Clock clock;
  private final Duration racyWindow;

  private StatCache(Map<String, Entry> loaded, boolean remember, Clock clock, Duration racyWindow) {
    this.loaded = loaded;
    this.remember = remember;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.racyWindow = Objects.requireNonNull(racyWindow, "racyWindow");
  }

  /** A cache that remembers nothing: every file is read. */
  public static StatCache none() {
    return new StatCache(Map.of(), false, Clock.systemUTC(), RACY_WINDOW);
  }

  /** An empty cache that remembers what it hashes. */
  public static StatCache empty(Clock clock, Duration racyWindow) {
    return new StatCache(new HashMap<>(), true, clock, racyWindow);
  }

  /**
   * The cache {@link #write} wrote to {@code in}; unreadable lines (another version) are dropped,
   * so the worst a damaged form does is make files be read again.
   */
  public static StatCache read(InputStream in, Clock clock, Duration racyWindow) throws IOException {
    Map<String, Entry> entries = new HashMap<>();
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    if (HEADER.equals(reader.readLine())) {
      for (String line; (line = reader.readLine()) != null; ) {
        String[] f = line.split(" ", 10);
        if (f.length == 10) {
          try {
            Stat stat = new Stat(
                Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
                Integer.parseInt(f[6]), Integer.parseInt(f[7]), Integer.parseInt(f[8]));
            entries.put(f[9], new Entry(stat, f[0]));
          } catch (NumberFormatException e) {
            // dropped: the file is hashed again
          }
        }
      }
    }
    return new StatCache(entries, true, clock, racyWindow);
  }

  /**
   * The sha256 digest ({@code sha256:HEX}) of the bytes of {@code file}, a regular file: the
   * remembered one when its stat is unchanged, else read now (and remembered unless racy).
   */
  public String digest(Path file) throws IOException {
    if (!remember) {
      return hash(file);
    }
    String key = file.toAbsolutePath().toString();
    Stat stat = Stat.of(file);
    Entry known = loaded.get(key);
    if (known != null && known.stat().equals(stat)) {
      used.put(key, known);
      return known.digest();
    }
    long hashedAt = TimeUnit.MILLISECONDS.toNanos(clock.millis());
    String digest = hash(file);
    long trustedBefore = hashedAt - racyWindow.toNanos();
    if (stat.mtime() < trustedBefore && stat.ctime() < trustedBefore && key.indexOf('\n') < 0) {
      used.put(key, new Entry(stat, digest));
    }
    return digest;
  }

  /** Whether {@link #write} would write something other than what {@link #read} read. */
  public boolean changed() {
    return !used.equals(loaded);
  }

  /** The entries of the files this cache answered for, in the form {@link #read} reads. */
  public byte[] write() {
    StringBuilder out = new StringBuilder(HEADER).append('\n');
    used.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      Stat s = e.getValue().stat();
      out.append(e.getValue().digest()).append(' ').append(s.size()).append(' ').append(s.mtime()).append(' ')
          .append(s.ctime()).append(' ').append(s.ino()).append(' ').append(s.dev()).append(' ').append(s.mode())
          .append(' ').append(s.uid()).append(' ').append(s.gid()).append(' ').append(e.getKey()).append('\n');
    });
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String hash(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        md.update(buffer, 0, n);
      }
    }
    return Digest.of(DigestAlgorithm.SHA256, md.digest()).toString();
  }
}
