package dev.strata.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * The one way this module calls libc: each function is bound once ({@link #bind}), every call
 * captures errno through {@link Linker.Option#captureCallState}, and {@link #call} turns a
 * negative result into a {@link LinuxException}. A function this libc lacks is bound as absent:
 * {@link Function#present()} says so, and calling it throws {@link UnsupportedOperationException}
 * naming it.
 */
final class Libc {
  private Libc() {}

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  /**
   * A libc function bound with errno capture: its handle takes the call state first. The
   * downcall handle is linked on first use, not when the binding class initializes: linking
   * spins method-handle and stub classes (JFR and the class-load log of a FUSE mount server put
   * seconds of a loaded machine's start-up there, for some 40 functions of which a process calls
   * a handful). Two threads racing on the first call may both link; either handle is the same.
   */
  static final class Function {
    private final String name;
    private final @Nullable MemorySegment symbol;
    private final FunctionDescriptor descriptor;
    private final Linker.Option[] options;
    private volatile @Nullable MethodHandle handle;

    private Function(String name, @Nullable MemorySegment symbol, FunctionDescriptor descriptor, Linker.Option[] options) {
      this.name = name;
      this.symbol = symbol;
      this.descriptor = descriptor;
      this.options = options;
    }

    /** Whether this libc has the function. */
    boolean present() {
      return symbol != null;
    }

    /**
     * The downcall handle.
     *
     * @throws UnsupportedOperationException when this libc lacks the function
     */
    @SuppressWarnings("restricted") // the one place libc functions are linked; callers need native access
    MethodHandle handle() {
      MethodHandle h = handle;
      if (h != null) {
        return h;
      }
      if (symbol == null) {
        throw new UnsupportedOperationException(name + " is not in this C library (a newer glibc has it)");
      }
      h = LINKER.downcallHandle(symbol, descriptor, options);
      handle = h;
      return h;
    }
  }

  /** The body of one call: invokes a handle with {@code state} as its first argument. */
  @FunctionalInterface
  interface Body {
    /** The C function's result, widened to long. */
    long invoke(Arena arena, MemorySegment state) throws Throwable;
  }

  /** Binds {@code name}; absent when this libc lacks it. */
  static Function bind(String name, FunctionDescriptor descriptor) {
    return bind(name, descriptor, -1);
  }

  /** Binds the variadic {@code name}, whose variadic arguments start at {@code firstVariadic}. */
  static Function bind(String name, FunctionDescriptor descriptor, int firstVariadic) {
    Linker.Option errno = Linker.Option.captureCallState("errno");
    Linker.Option[] options =
        firstVariadic < 0 ? new Linker.Option[] {errno} : new Linker.Option[] {errno, Linker.Option.firstVariadicArg(firstVariadic)};
    return new Function(name, LINKER.defaultLookup().find(name).orElse(null), descriptor, options);
  }

  /**
   * Binds {@code name} as a critical call that may take heap segments, without errno capture (the
   * caller repeats a failed call through a {@link #bind capturing} handle to learn its errno); the
   * handle takes the C arguments only. Absent ({@code null}) when this libc lacks it.
   */
  @SuppressWarnings("restricted") // as Function.handle: the one place libc functions are linked
  static @Nullable MethodHandle bindCritical(String name, FunctionDescriptor descriptor) {
    return LINKER.defaultLookup().find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor, Linker.Option.critical(true))).orElse(null);
  }

  /** Runs {@code body} in this thread's scratch arena; a negative result is a {@link LinuxException}. */
  static long call(String call, String subject, Body body) throws LinuxException {
    try (Arena arena = ScratchArena.open()) {
      return call(arena, call, subject, body);
    }
  }

  /**
   * Runs {@code body} with {@code arena} (which outlives the call, for results in its memory); a
   * negative result is a {@link LinuxException} for {@code call} on {@code subject}.
   */
  static long call(Arena arena, String call, String subject, Body body) throws LinuxException {
    long rc = attempt(arena, body);
    if (rc < 0) {
      throw new LinuxException((int) -rc, call, subject);
    }
    return rc;
  }

  /** Runs {@code body} in this thread's scratch arena: its result, or minus errno when it failed. */
  static long attempt(Body body) {
    try (Arena arena = ScratchArena.open()) {
      return attempt(arena, body);
    }
  }

  /** Runs {@code body} with {@code arena}: its result, or minus errno when it failed. */
  static long attempt(Arena arena, Body body) {
    MemorySegment state = arena.allocate(CALL_STATE);
    long rc;
    try {
      rc = body.invoke(arena, state);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    return rc >= 0 ? rc : -Math.max(1, (int) ERRNO.get(state, 0L));
  }

  /** A NUL-terminated copy of the byte string {@code s} (see {@link Names}); NULL for null. */
  static MemorySegment cstr(Arena arena, @Nullable String s) {
    return s == null ? MemorySegment.NULL : arena.allocateFrom(s, Names.CHARSET);
  }
}
