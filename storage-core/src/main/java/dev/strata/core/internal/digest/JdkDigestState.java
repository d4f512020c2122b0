package dev.strata.core.internal.digest;

import dev.strata.core.digest.Digest;
import dev.strata.core.digest.DigestAlgorithm;
import dev.strata.core.digest.Hasher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.MessageDigestSpi;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.Optional;

/**
 * Saves and restores the state of the JDK's SHA-2 digests.
 *
 * <p>The JDK keeps SHA-2 state in {@code sun.security.provider.DigestBase} ({@code buffer},
 * {@code bufOfs}, {@code bytesProcessed}) and in {@code SHA2} / {@code SHA5} ({@code state}). We
 * create the provider's digest object ourselves and hand it to {@link MessageDigest} through a
 * one-service {@link Provider}, so we keep a reference to it and can read and write those fields.
 * That needs {@code --add-opens java.base/sun.security.provider}; when the package is closed, or a
 * future JDK renames a field, {@link #AVAILABLE} is false and hashers are plain, non-resumable JDK
 * digests. The format carries a version byte, so a state saved by another layout is refused.
 */
final class JdkDigestState {
  private static final int FORMAT = 1;
  private static final Reflection REFLECTION = Reflection.load();

  /** Whether states can be exported and restored in this JVM, proven by a round trip. */
  static final boolean AVAILABLE = REFLECTION != null && selfTest();

  private JdkDigestState() {}

  static Hasher create(DigestAlgorithm algorithm) {
    if (AVAILABLE) {
      try {
        MessageDigestSpi spi = REFLECTION.newSpi(algorithm);
        return new JdkHasher(algorithm, wrap(algorithm, spi), spi, 0);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // fall through to a plain digest
      }
    }
    return new JdkHasher(algorithm, plain(algorithm), null, 0);
  }

  static Optional<Hasher> restore(DigestAlgorithm algorithm, byte[] state) {
    return AVAILABLE ? restoreWithReflection(algorithm, state) : Optional.empty();
  }

  /**
   * Proves on this JDK that a saved and restored state gives the JDK's own answer, so a changed
   * field layout disables resumption instead of corrupting digests.
   */
  private static boolean selfTest() {
    byte[] probe = "strata: a resumable digest must equal the plain one".getBytes();
    for (DigestAlgorithm algorithm : new DigestAlgorithm[] {DigestAlgorithm.SHA256, DigestAlgorithm.SHA512}) {
      try {
        MessageDigestSpi spi = REFLECTION.newSpi(algorithm);
        JdkHasher first = new JdkHasher(algorithm, wrap(algorithm, spi), spi, 0);
        first.update(probe, 0, 13);
        Optional<Hasher> resumed =
            first.exportState().flatMap(state -> restoreWithReflection(algorithm, state));
        if (resumed.isEmpty()) {
          return false;
        }
        resumed.get().update(probe, 13, probe.length - 13);
        if (!resumed.get().digest().equals(Digest.of(algorithm, plain(algorithm).digest(probe)))) {
          return false;
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  private static Optional<Hasher> restoreWithReflection(DigestAlgorithm algorithm, byte[] state) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
      if (in.readUnsignedByte() != FORMAT || in.readUnsignedByte() != algorithm.ordinal()) {
        return Optional.empty();
      }
      long length = in.readLong();
      long bytesProcessed = in.readLong();
      int bufOfs = in.readInt();
      MessageDigestSpi spi = REFLECTION.newSpi(algorithm);
      byte[] buffer = (byte[]) REFLECTION.buffer.get(spi);
      if (bufOfs < 0 || bufOfs >= buffer.length) {
        return Optional.empty();
      }
      in.readFully(buffer, 0, bufOfs);
      REFLECTION.bufOfs.setInt(spi, bufOfs);
      REFLECTION.bytesProcessed.setLong(spi, bytesProcessed);
      if (algorithm == DigestAlgorithm.SHA256) {
        int[] words = (int[]) REFLECTION.sha2State.get(spi);
        for (int i = 0; i < words.length; i++) {
          words[i] = in.readInt();
        }
      } else {
        long[] words = (long[]) REFLECTION.sha5State.get(spi);
        for (int i = 0; i < words.length; i++) {
          words[i] = in.readLong();
        }
      }
      if (in.available() != 0) {
        return Optional.empty();
      }
      return Optional.of(new JdkHasher(algorithm, wrap(algorithm, spi), spi, length));
    } catch (IOException | ReflectiveOperationException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static MessageDigest plain(DigestAlgorithm algorithm) {
    try {
      return MessageDigest.getInstance(jcaName(algorithm));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
  }

  private static MessageDigest wrap(DigestAlgorithm algorithm, MessageDigestSpi spi) {
    try {
      return MessageDigest.getInstance(jcaName(algorithm), new OneDigestProvider(jcaName(algorithm), spi));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot wrap the JDK's " + algorithm, e);
    }
  }

  private static String jcaName(DigestAlgorithm algorithm) {
    return switch (algorithm) {
      case SHA256 -> "SHA-256";
      case SHA512 -> "SHA-512";
      case BLAKE3 -> throw new IllegalArgumentException("not a JDK digest: " + algorithm);
    };
  }

  /** A JDK SHA-2 digest whose state we can save when {@code spi} is known. */
  static final class JdkHasher implements Hasher {
    private final DigestAlgorithm algorithm;
    private final MessageDigest digest;
    private final MessageDigestSpi spi;
    private long length;

    JdkHasher(DigestAlgorithm algorithm, MessageDigest digest, MessageDigestSpi spi, long length) {
      this.algorithm = algorithm;
      this.digest = digest;
      this.spi = spi;
      this.length = length;
    }

    @Override
    public DigestAlgorithm algorithm() {
      return algorithm;
    }

    @Override
    public void update(byte[] bytes, int off, int len) {
      digest.update(bytes, off, len);
      length += len;
    }

    @Override
    public void update(ByteBuffer buffer) {
      length += buffer.remaining();
      digest.update(buffer);
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public Digest digest() {
      try {
        return Digest.of(algorithm, ((MessageDigest) digest.clone()).digest());
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("JDK digest is not cloneable", e);
      }
    }

    Optional<byte[]> exportState() {
      if (spi == null) {
        return Optional.empty();
      }
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(FORMAT);
        out.writeByte(algorithm.ordinal());
        out.writeLong(length);
        out.writeLong(REFLECTION.bytesProcessed.getLong(spi));
        int bufOfs = REFLECTION.bufOfs.getInt(spi);
        out.writeInt(bufOfs);
        out.write((byte[]) REFLECTION.buffer.get(spi), 0, bufOfs);
        if (algorithm == DigestAlgorithm.SHA256) {
          for (int word : (int[]) REFLECTION.sha2State.get(spi)) {
            out.writeInt(word);
          }
        } else {
          for (long word : (long[]) REFLECTION.sha5State.get(spi)) {
            out.writeLong(word);
          }
        }
        out.flush();
        return Optional.of(bytes.toByteArray());
      } catch (IOException | IllegalAccessException e) {
        return Optional.empty();
      }
    }
  }

  /** A provider with one service whose instance is a digest object we already hold. */
  private static final class OneDigestProvider extends Provider {
    private static final long serialVersionUID = 1L;

    OneDigestProvider(String name, MessageDigestSpi spi) {
      super("strata-resumable", "1", "hands out one pre-built digest");
      putService(
          new Service(this, "MessageDigest", name, spi.getClass().getName(), null, null) {
            @Override
            public Object newInstance(Object parameter) {
              return spi;
            }
          });
    }
  }

  /** The JDK's private fields, looked up once. */
  private record Reflection(
      Constructor<?> sha256,
      Constructor<?> sha512,
      Field buffer,
      Field bufOfs,
      Field bytesProcessed,
      Field sha2State,
      Field sha5State) {

    static Reflection load() {
      try {
        Class<?> base = Class.forName("sun.security.provider.DigestBase");
        Class<?> sha2 = Class.forName("sun.security.provider.SHA2");
        Class<?> sha5 = Class.forName("sun.security.provider.SHA5");
        Reflection r =
            new Reflection(
                accessible(Class.forName("sun.security.provider.SHA2$SHA256").getDeclaredConstructor()),
                accessible(Class.forName("sun.security.provider.SHA5$SHA512").getDeclaredConstructor()),
                accessible(base.getDeclaredField("buffer")),
                accessible(base.getDeclaredField("bufOfs")),
                accessible(base.getDeclaredField("bytesProcessed")),
                accessible(sha2.getDeclaredField("state")),
                accessible(sha5.getDeclaredField("state")));
        return r;
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        return null;
      }
    }

    private static <T extends java.lang.reflect.AccessibleObject> T accessible(T member) {
      member.setAccessible(true);
      return member;
    }

    MessageDigestSpi newSpi(DigestAlgorithm algorithm) throws ReflectiveOperationException {
      return (MessageDigestSpi)
          (algorithm == DigestAlgorithm.SHA256 ? sha256 : sha512).newInstance();
    }

  }
}
