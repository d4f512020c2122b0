package dev.strata.overlay.internal.diff;

import dev.strata.core.digest.Digest;
import dev.strata.core.digest.DigestAlgorithm;
import dev.strata.overlay.Whiteouts;
import dev.strata.overlay.changeset.DiffOptions;
import dev.strata.overlay.changeset.DiffResult;
import dev.strata.overlay.changeset.LayerDiffer;
import dev.strata.overlay.changeset.OverlayXattrs;
import dev.strata.overlay.internal.tar.TarLayerWriter;
import dev.strata.overlay.internal.union.LayerStack;
import dev.strata.overlay.internal.union.Markers;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/** The standard {@link LayerDiffer} (see the interface for the contract, docs/changesets.md for the rules). */
public final class TreeDiffer implements LayerDiffer {

  @Override
  public DiffResult diff(Path lower, Path upper, OutputStream out, DiffOptions options) throws IOException {
    try (PlainDir l = PlainDir.root(host(lower)); PlainDir u = PlainDir.root(host(upper))) {
      ChangeWalker walker = new ChangeWalker(false, opaqueXattr(options));
      walker.walkRoots(l, u);
      return write(walker, u, out, options);
    }
  }

  @Override
  public DiffResult diffOverlay(Path upper, List<Path> lowers, OutputStream out, DiffOptions options)
      throws IOException {
    if (lowers.isEmpty()) {
      return diffOverlay(upper, UnionDir.empty(), out, options);
    }
    List<String> hosts = lowers.stream().map(TreeDiffer::host).toList();
    try (LayerStack stack = LayerStack.open(hosts, Markers.overlayfs(opaqueXattr(options)))) {
      return diffOverlay(upper, UnionDir.root(stack), out, options);
    }
  }

  private static DiffResult diffOverlay(Path upper, DirView lower, OutputStream out, DiffOptions options)
      throws IOException {
    try (PlainDir u = PlainDir.root(host(upper))) {
      ChangeWalker walker = new ChangeWalker(true, opaqueXattr(options));
      walker.walkRoots(lower, u);
      return write(walker, u, out, options);
    }
  }

  private static String opaqueXattr(DiffOptions options) {
    return options.overlayXattrs() == OverlayXattrs.USER ? Whiteouts.USER_OPAQUE_XATTR : Whiteouts.TRUSTED_OPAQUE_XATTR;
  }

  /** The host path as the byte-per-char string the posix layer takes. */
  private static String host(Path p) {
    return new String(p.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /**
   * One pass: tar bytes are hashed into the diffID on their way to the compressor, and the
   * compressor's output is hashed into the digest and counted on its way to {@code out}.
   */
  private static DiffResult write(ChangeWalker walker, PlainDir upper, OutputStream out, DiffOptions options)
      throws IOException {
    Hashing compressed = new Hashing(new BufferedOutputStream(new NonClosing(out), 256 * 1024));
    OutputStream codec = options.compression().compress(compressed, options.level());
    // compress on a second thread while this one walks, reads and hashes the tar
    OffThreadOutputStream piped = codec == compressed ? null : new OffThreadOutputStream(codec, "strata-layer-compress");
    Hashing uncompressed = new Hashing(piped == null ? codec : piped);
    OutputStream buffered = new BufferedOutputStream(uncompressed, 256 * 1024);
    TarLayerWriter tar = new TarLayerWriter(buffered);
    LayerEmitter emitter = new LayerEmitter(upper.fd(), tar, options.sourceDateEpoch());
    try {
      emitter.emit(walker.changes, walker.links);
      tar.finish();
      buffered.close(); // finishes the codec; NonClosing keeps the caller's stream open
    } finally {
      if (piped != null) {
        piped.abort(); // after a failure only; a no-op once closed
      }
    }
    LayerEmitter.Counts c = emitter.counts;
    Digest diffId = uncompressed.digest();
    Digest digest = options.compression() == dev.strata.overlay.changeset.Compression.NONE ? diffId : compressed.digest();
    return new DiffResult(diffId, digest, compressed.count, options.mediaType(), c.entries, c.files, c.directories,
        c.symlinks, c.hardlinks, c.specials, c.whiteouts, c.opaques, c.bytes);
  }

  /** Hashes (sha256) and counts what passes through. */
  private static final class Hashing extends FilterOutputStream {
    private final MessageDigest sha;
    long count;

    Hashing(OutputStream out) {
      super(out);
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      sha.update((byte) b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      sha.update(b, off, len);
      count += len;
    }

    Digest digest() {
      return Digest.of(DigestAlgorithm.SHA256, sha.digest());
    }
  }

  /** Flushes but never closes the caller's stream. */
  private static final class NonClosing extends FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
