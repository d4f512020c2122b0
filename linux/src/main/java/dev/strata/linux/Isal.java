package dev.strata.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The few functions of Intel ISA-L's igzip (Debian {@code libisal2}, {@code libisal.so.2}) that
 * strata calls, and the layout of the two structs it hands them. ISA-L is optional: when the
 * library cannot be loaded, {@link #present()} is false and callers use the JDK's zlib instead.
 *
 * <p>The offsets and sizes are those of ISA-L 2.30's {@code igzip_lib.h} on x86-64 (measured with
 * {@code offsetof} against Debian's libisal-dev 2.30.0); the public fields they name have not moved
 * since 2.20, and every struct is allocated at the full size of 2.30's with room to spare.
 */
final class Isal {
  private Isal() {}

  /** sizeof(struct inflate_state), 87,368 in 2.30, rounded up with headroom. */
  static final long INFLATE_STATE_SIZE = 96 * 1024;
  /** struct inflate_state: next_out (uint8_t*). */
  static final long INF_NEXT_OUT = 0;
  /** struct inflate_state: avail_out (uint32_t). */
  static final long INF_AVAIL_OUT = 8;
  /** struct inflate_state: total_out (uint32_t). */
  static final long INF_TOTAL_OUT = 12;
  /** struct inflate_state: next_in (uint8_t*). */
  static final long INF_NEXT_IN = 16;
  /** struct inflate_state: avail_in (uint32_t). */
  static final long INF_AVAIL_IN = 32;
  /** struct inflate_state: block_state (enum isal_block_state). */
  static final long INF_BLOCK_STATE = 21160;
  /** struct inflate_state: crc_flag (uint32_t). */
  static final long INF_CRC_FLAG = 21172;

  /** enum isal_block_state: the deflate data and its trailer are done, all output flushed. */
  static final int ISAL_BLOCK_FINISH = 5;
  /** crc_flag: raw deflate followed by a gzip trailer, which isal_inflate checks (CRC-32 and ISIZE). */
  static final int ISAL_GZIP_NO_HDR_VER = 6;

  /** sizeof(struct isal_zstream), 82,384 in 2.30, rounded up with headroom. */
  static final long ZSTREAM_SIZE = 96 * 1024;
  static final long Z_NEXT_IN = 0;
  static final long Z_AVAIL_IN = 8;
  static final long Z_TOTAL_IN = 12;
  static final long Z_NEXT_OUT = 16;
  static final long Z_AVAIL_OUT = 24;
  static final long Z_TOTAL_OUT = 28;
  static final long Z_LEVEL = 40;
  static final long Z_LEVEL_BUF_SIZE = 44;
  static final long Z_LEVEL_BUF = 48;
  static final long Z_END_OF_STREAM = 56;
  static final long Z_FLUSH = 58;
  static final long Z_GZIP_FLAG = 60;
  /** internal_state.state (enum isal_zstate_state). */
  static final long Z_INTERNAL_STATE_STATE = 84;
  /** ISAL_DEF_LVL1_DEFAULT: the level-1 buffer size igzip's own tool uses. */
  static final int LEVEL1_BUF_SIZE = 282_624;
  /** gzip_flag: write a gzip header and trailer. */
  static final int IGZIP_GZIP = 1;
  /** enum isal_zstate_state: ZSTATE_END, everything written. */
  static final int ZSTATE_END = 11;

  private static final @Nullable SymbolLookup LIBRARY = load();
  static final @Nullable MethodHandle INFLATE_INIT = bind("isal_inflate_init", FunctionDescriptor.ofVoid(ADDRESS));
  static final @Nullable MethodHandle INFLATE_RESET = bind("isal_inflate_reset", FunctionDescriptor.ofVoid(ADDRESS));
  static final @Nullable MethodHandle INFLATE = bind("isal_inflate", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final @Nullable MethodHandle DEFLATE_INIT = bind("isal_deflate_init", FunctionDescriptor.ofVoid(ADDRESS));
  static final @Nullable MethodHandle DEFLATE = bind("isal_deflate", FunctionDescriptor.of(JAVA_INT, ADDRESS));

  @SuppressWarnings("restricted") // the one place libisal is loaded; callers need native access
  private static @Nullable SymbolLookup load() {
    try {
      return SymbolLookup.libraryLookup("libisal.so.2", Arena.global());
    } catch (IllegalArgumentException | IllegalCallerException absent) {
      return null; // not installed, or native access denied: the JDK's zlib serves
    }
  }

  @SuppressWarnings("restricted") // the one place libisal's functions are bound
  private static @Nullable MethodHandle bind(String name, FunctionDescriptor descriptor) {
    if (LIBRARY == null) {
      return null;
    }
    Optional<java.lang.foreign.MemorySegment> symbol = LIBRARY.find(name);
    // critical: these calls never call back into Java, and skipping the thread-state change
    // matters for the many small calls of a stream
    return symbol.map(s -> Linker.nativeLinker().downcallHandle(s, descriptor, Linker.Option.critical(false))).orElse(null);
  }

  /** Calls the ISA-L function {@code handle} of one pointer that returns nothing. */
  static void run(@Nullable MethodHandle handle, java.lang.foreign.MemorySegment arg) {
    try {
      java.util.Objects.requireNonNull(handle).invokeExact(arg);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Calls the ISA-L function {@code handle} of one pointer that returns an int. */
  static int call(@Nullable MethodHandle handle, java.lang.foreign.MemorySegment arg) {
    try {
      return (int) java.util.Objects.requireNonNull(handle).invokeExact(arg);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Whether libisal.so.2 was loaded and has the inflate functions. */
  static boolean present() {
    return INFLATE_INIT != null && INFLATE_RESET != null && INFLATE != null;
  }

  /** Whether libisal.so.2 was loaded and has the deflate functions. */
  static boolean deflatePresent() {
    return DEFLATE_INIT != null && DEFLATE != null;
  }
}
