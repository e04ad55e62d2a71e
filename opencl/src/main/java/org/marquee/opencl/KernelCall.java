package org.marquee.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;

/**
 * Sets a kernel's arguments in order and enqueues it: {@code call.mem(x).i(n).run(n)}. No event is
 * asked for (so none is left to release), and each launch is counted ({@link OpenClContext#launches()}).
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

    /** Enqueues over a 1-D range of {@code n} work-items (no-op when n == 0). */
    void run(long n) { run(new long[] {n}, null); }

    /** Enqueues over a 2-D range (x fastest). */
    void run(long x, long y) { run(new long[] {x, y}, null); }

    void run(long[] global, long[] local) {
        for (long g : global) if (g == 0) return;
        OpenClException.check(CL.clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, null),
                "clEnqueueNDRangeKernel(" + name + ")");
        cl.countLaunch();
    }
}
