package org.marquee.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;

/**
 * Sets a kernel's arguments in order and enqueues it: {@code call.mem(x).i(n).run(n)}. Every launch
 * has a work-group size, its own or one {@link #groupFor} picks, and a global size rounded up to
 * it ({@link OpenClContext#enqueue}). No event is asked for (so none is left to release), and each
 * launch is counted ({@link OpenClContext#launches()}).
 */
final class KernelCall {
    private final OpenClContext cl;
    private final cl_command_queue queue;
    private final cl_kernel kernel;
    private final String name;
    private int index;

    KernelCall(OpenClContext cl, String file, String name) {
        this(cl, OpenClContext.ProgramKey.of(file), name);
    }

    /** A kernel of a program variant (a file built with {@code -D} options). */
    KernelCall(OpenClContext cl, OpenClContext.ProgramKey program, String name) {
        this.cl = cl;
        this.queue = cl.queue();
        this.kernel = cl.kernel(program, name);
        this.name = name;
    }

    KernelCall mem(ClStorage s) { return set(Sizeof.cl_mem, Pointer.to(s.memory())); }
    KernelCall i(int v) { return set(Sizeof.cl_int, Pointer.to(new int[] {v})); }
    KernelCall i(long v) { return i(Math.toIntExact(v)); }
    KernelCall l(long v) { return set(Sizeof.cl_long, Pointer.to(new long[] {v})); }
    KernelCall f(double v) { return set(Sizeof.cl_float, Pointer.to(new float[] {(float) v})); }

    private KernelCall set(long size, Pointer p) {
        OpenClException.check(CL.clSetKernelArg(kernel, index, size, p), "clSetKernelArg(" + name + ", " + index + ")");
        index++;
        return this;
    }

    /**
     * Work-items per work-group of a launch that does not name its own: a multiple of every GPU's
     * SIMD width (32, 64), within every device's limit, and few enough that a kernel's registers
     * rarely lower its own limit (when they do, the group shrinks to fit).
     */
    static final int GROUP = 256;

    /** Enqueues over a 1-D range of {@code n} work-items, rounded up to whole work-groups (no-op when n == 0). */
    void run(long n) { run(new long[] {n}); }

    /** Enqueues over a 2-D range (x fastest), rounded up to whole work-groups. */
    void run(long x, long y) { run(new long[] {x, y}); }

    /** Enqueues over a 3-D range (x fastest), rounded up to whole work-groups. */
    void run(long x, long y, long z) { run(new long[] {x, y, z}); }

    private void run(long[] range) { run(range, groupFor(range, cl.kernelMaxGroup(kernel), cl.maxItems())); }

    /**
     * Enqueues over {@code range} work-items in work-groups of {@code local}; the global size is
     * {@code range} rounded up to a multiple of {@code local} in each dimension (the kernels check
     * their bounds). No-op when a dimension of the range is 0.
     *
     * @throws IllegalArgumentException when {@code local} is null or does not fit (see {@link OpenClContext#enqueue})
     */
    void run(long[] range, long[] local) {
        for (long g : range) if (g == 0) return;
        if (local == null) throw new IllegalArgumentException(name + ": a launch needs an explicit work-group (local) size");
        if (local.length != range.length) {
            throw new IllegalArgumentException(name + ": range " + java.util.Arrays.toString(range) + " and local size "
                    + java.util.Arrays.toString(local) + " differ in dimensions");
        }
        cl.enqueue(kernel, name, roundUp(range, local), local);
    }

    /** {@code range} rounded up to whole multiples of {@code local}, dimension by dimension. */
    static long[] roundUp(long[] range, long[] local) {
        long[] global = new long[range.length];
        for (int d = 0; d < range.length; d++) {
            if (local[d] < 1) throw new IllegalArgumentException("local size must be positive: " + java.util.Arrays.toString(local));
            global[d] = (range[d] + local[d] - 1) / local[d] * local[d];
        }
        return global;
    }

    /**
     * The work-group for {@code range}: powers of two, x first (up to the whole range's width,
     * so consecutive work-items touch consecutive addresses), then y, then z, at most
     * min({@link #GROUP}, {@code kernelMax}) work-items and {@code maxItems} per dimension.
     * A range of a prime number of items gets full groups (the last one partly idle), never
     * groups of one.
     */
    static long[] groupFor(long[] range, long kernelMax, long[] maxItems) {
        long budget = Long.highestOneBit(Math.max(1, Math.min(GROUP, kernelMax)));
        long[] local = new long[range.length];
        for (int d = 0; d < range.length; d++) {
            long want = Long.highestOneBit(Math.max(1, range[d]));
            if (want < range[d]) want <<= 1;                              // next power of two
            long cap = Long.highestOneBit(Math.max(1, maxItems[Math.min(d, maxItems.length - 1)]));
            local[d] = Math.max(1, Math.min(Math.min(want, cap), budget));
            budget /= local[d];
        }
        return local;
    }
}
