package org.marquee.opencl;

import java.util.function.LongFunction;

/**
 * Launches the GEMM kernels of {@code gemm.cl}: the naive one as is, the tiled one per transpose
 * case, split along K into slabs when C has too few 64 x 64 blocks to keep every compute unit
 * busy (dense1's 32 x 128 output is 2 blocks), the slabs summed into C by a second kernel.
 * Sizes are checked by the caller.
 */
final class ClGemm {
    private final OpenClContext cl;
    private final LongFunction<ClStorage> scratch;   // a scratch buffer of at least n floats

    ClGemm(OpenClContext cl, LongFunction<ClStorage> scratch) {
        this.cl = cl;
        this.scratch = scratch;
    }

    /** C = alpha * op(A) op(B) + beta * C on buffers a, b, c at element offsets aOff, bOff, cOff. */
    void run(GemmKernel kernel, boolean transA, boolean transB, int m, int n, int k, double alpha,
             ClStorage a, int aOff, ClStorage b, int bOff, double beta, ClStorage c, int cOff) {
        if (kernel.takesTransposeFlags()) {
            new KernelCall(cl, "gemm.cl", kernel.kernelName(transA, transB)).i(transA ? 1 : 0).i(transB ? 1 : 0)
                    .i(m).i(n).i(k).f(alpha).mem(a).i(aOff).mem(b).i(bOff).f(beta).mem(c).i(cOff)
                    .run(kernel.global(m, n, 1), kernel.local());
            return;
        }
        int slabs = slabs(kernel.blocks(m, n), k);
        int chunk = slabs == 1 ? k : roundUp((k + slabs - 1) / slabs, GemmKernel.TILE_K);
        slabs = (k + chunk - 1) / chunk;
        boolean split = slabs > 1;
        ClStorage partial = split ? scratch.apply((long) slabs * m * n) : null;   // (slabs, M, N)
        new KernelCall(cl, "gemm.cl", kernel.kernelName(transA, transB))
                .i(m).i(n).i(k).f(split ? 1 : alpha).mem(a).i(aOff).mem(b).i(bOff)
                .f(split ? 0 : beta).mem(split ? partial : c).i(split ? 0 : cOff).i(chunk)
                .run(kernel.global(m, n, slabs), kernel.local());
        if (split) {
            new KernelCall(cl, "gemm.cl", "gemm_sum_slabs").mem(partial).i(slabs).i((long) m * n)
                    .f(alpha).f(beta).mem(c).i(cOff).run((long) m * n);
        }
    }

    /**
     * How many K slabs: enough work-groups for every compute unit four times over, each slab at
     * least 8 K slices long; 1 when C alone has enough blocks.
     */
    private int slabs(long blocks, int k) {
        long wanted = 4L * cl.device().computeUnits();
        if (blocks >= wanted) return 1;
        int maxSlabs = Math.max(1, k / (8 * GemmKernel.TILE_K));
        return (int) Math.min(maxSlabs, (wanted + blocks - 1) / blocks);
    }

    private static int roundUp(int x, int multiple) { return (x + multiple - 1) / multiple * multiple; }
}
