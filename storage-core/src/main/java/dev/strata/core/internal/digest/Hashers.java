package dev.strata.core.internal.digest;

import dev.strata.core.digest.Digest;
import dev.strata.core.digest.DigestAlgorithm;
import dev.strata.core.digest.Hasher;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.bouncycastle.crypto.digests.Blake3Digest;

/**
 * Creates hashers, and saves and restores their state so that an interrupted ingest resumes
 * without re-reading what it already stored.
 *
 * <p>sha256 and sha512 use the JDK's digests, which run on the CPU's SHA instructions; their
 * state is reached through {@link JdkDigestState}, which needs {@code --add-opens
 * java.base/sun.security.provider}. Without it, and for blake3, {@link #exportState} returns
 * empty and a resume must re-hash the stored prefix.
 */
public final class Hashers {
  private Hashers() {}

  /** A new hasher for {@code algorithm}, resumable when the platform allows it. */
  public static Hasher create(DigestAlgorithm algorithm) {
    return switch (algorithm) {
      case SHA256, SHA512 -> JdkDigestState.create(algorithm);
      case BLAKE3 -> new Blake3Hasher();
    };
  }

  /** The hasher's state as bytes, or empty when this hasher's state cannot be saved. */
  public static Optional<byte[]> exportState(Hasher hasher) {
    return hasher instanceof JdkDigestState.JdkHasher jdk ? jdk.exportState() : Optional.empty();
  }

  /**
   * Rebuilds a hasher from {@link #exportState} output.
   *
   * @return empty when the state cannot be restored here (other JDK, closed package, other
   *     algorithm); the caller then re-hashes
   */
  public static Optional<Hasher> restore(DigestAlgorithm algorithm, byte[] state) {
    return switch (algorithm) {
      case SHA256, SHA512 -> JdkDigestState.restore(algorithm, state);
      case BLAKE3 -> Optional.empty();
    };
  }

  /** BLAKE3-256 through Bouncy Castle; its state is not exportable. */
  private static final class Blake3Hasher implements Hasher {
    private final Blake3Digest digest = new Blake3Digest(256);
    private final byte[] scratch = new byte[64 * 1024];
    private long length;

    @Override
    public DigestAlgorithm algorithm() {
      return DigestAlgorithm.BLAKE3;
    }

    @Override
    public void update(byte[] bytes, int off, int len) {
      digest.update(bytes, off, len);
      length += len;
    }

    @Override
    public void update(ByteBuffer buffer) {
      if (buffer.hasArray()) {
        int n = buffer.remaining();
        update(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
        buffer.position(buffer.limit());
        return;
      }
      while (buffer.hasRemaining()) {
        int n = Math.min(scratch.length, buffer.remaining());
        buffer.get(scratch, 0, n);
        update(scratch, 0, n);
      }
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public Digest digest() {
      Blake3Digest copy = new Blake3Digest(digest);
      byte[] out = new byte[32];
      copy.doFinal(out, 0);
      return Digest.of(DigestAlgorithm.BLAKE3, out);
    }
  }
}
