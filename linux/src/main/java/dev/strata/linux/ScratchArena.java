package dev.strata.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jspecify.annotations.Nullable;

/**
 * The arena of one libc call: slices of a small native buffer that belongs to the calling thread,
 * handed out again by the thread's next call. A layer apply makes tens of thousands of calls, and
 * a fresh {@link Arena#ofConfined()} per call (a session, a malloc and a free for each C string and
 * the errno state) showed in its profile (docs/benchmarks.md). Allocations are zeroed, like a
 * confined arena's; what does not fit goes to a confined arena closed with this one. A call made
 * while the thread's buffer is in use (nested) gets a plain confined arena.
 *
 * <p>Segments stay readable after {@link #close()} (the buffer lives as long as its thread) but
 * are overwritten by the next call: nothing may keep one, the same rule a confined arena enforces.
 */
final class ScratchArena implements Arena {
  /** A path (PATH_MAX is 4096), a statx buffer and the call state fit. */
  private static final long SIZE = 8 * 1024;
  private static final ThreadLocal<ScratchArena> CURRENT = ThreadLocal.withInitial(ScratchArena::new);

  private final MemorySegment slab = Arena.ofAuto().allocate(SIZE, 16);
  private long used;
  private boolean inUse;
  private @Nullable Arena overflow;

  private ScratchArena() {}

  /** This thread's scratch arena, or a confined arena when it is in use already. */
  static Arena open() {
    ScratchArena a = CURRENT.get();
    if (a.inUse) {
      return Arena.ofConfined();
    }
    a.inUse = true;
    return a;
  }

  @Override
  public MemorySegment allocate(long byteSize, long byteAlignment) {
    if (byteSize < 0 || byteAlignment <= 0 || (byteAlignment & (byteAlignment - 1)) != 0) {
      throw new IllegalArgumentException("size " + byteSize + ", alignment " + byteAlignment);
    }
    long start = (used + byteAlignment - 1) & -byteAlignment;
    if (byteAlignment <= 16 && start + byteSize <= SIZE) {
      used = start + byteSize;
      return slab.asSlice(start, byteSize).fill((byte) 0);
    }
    if (overflow == null) {
      overflow = Arena.ofConfined();
    }
    return overflow.allocate(byteSize, byteAlignment);
  }

  @Override
  public MemorySegment.Scope scope() {
    return slab.scope();
  }

  @Override
  public void close() {
    used = 0;
    inUse = false;
    if (overflow != null) {
      Arena o = overflow;
      overflow = null;
      o.close();
    }
  }
}
