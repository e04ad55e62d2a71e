package org.marquee.opencl;

import java.util.function.LongFunction;

/**
 * Launches the GEMM kernels of {@code gemm.cl}: the naive one as is, the tiled one per transpose
 * case, split along K into slabs when C has too few 64 x 64 blocks to keep every compute unit
 * busy (dense1's 32 x 128 output is 2 blocks), the slabs summed into C by a second kernel.
 * The GPU variants of {@code gemm_gpu.cl} are split the same way, in multiples of their K slice.
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
        int chunk = chunk(slabs(kernel.blocks(m, n), k, GemmKernel.TILE_K), k, GemmKernel.TILE_K);
        launchSplit(new KernelCall(cl, "gemm.cl", kernel.kernelName(transA, transB)), m, n, k, chunk, alpha, a, aOff, b, bOff,
                beta, c, cOff, (slabs) -> kernel.global(m, n, slabs), kernel.local());
    }

    /**
     * {@link #run} with a GPU variant of {@code gemm_gpu.cl}; {@code slabs} 0 lets the rule below
     * split K, any other value splits it into that many slabs (at most, in whole K slices).
     */
    void run(GpuGemmVariant variant, int slabs, boolean transA, boolean transB, int m, int n, int k, double alpha,
             ClStorage a, int aOff, ClStorage b, int bOff, double beta, ClStorage c, int cOff) {
        if (slabs < 0) throw new IllegalArgumentException("K slabs must be >= 0 (0 = automatic): " + slabs);
        int chunk = chunk(slabs == 0 ? slabs(variant.blocks(m, n), k, variant.kwg()) : slabs, k, variant.kwg());
        launchSplit(new KernelCall(cl, variant.program(), GpuGemmVariant.kernelName(transA, transB)), m, n, k, chunk, alpha,
                a, aOff, b, bOff, beta, c, cOff, (s) -> variant.global(m, n, s), variant.local());
    }

    /** K per slab for {@code slabs} slabs: a whole number of K slices, or all of K. */
    private static int chunk(int slabs, int k, int slice) {
        return slabs <= 1 ? k : roundUp((k + slabs - 1) / slabs, slice);
    }

    /**
     * Runs a tiled kernel (arguments M, N, K, alpha, A, aOff, B, bOff, beta, C, cOff, kChunk) over
     * ceil(K / chunk) slabs: straight into C when that is one, else into the scratch (slabs, M, N)
     * with alpha 1 and beta 0, summed into C by gemm_sum_slabs.
     */
    private void launchSplit(KernelCall call, int m, int n, int k, int chunk, double alpha, ClStorage a, int aOff,
                             ClStorage b, int bOff, double beta, ClStorage c, int cOff,
                             java.util.function.IntFunction<long[]> global, long[] local) {
        int slabs = (k + chunk - 1) / chunk;
        boolean split = slabs > 1;
        ClStorage partial = split ? scratch.apply((long) slabs * m * n) : null;   // (slabs, M, N)
        call.i(m).i(n).i(k).f(split ? 1 : alpha).mem(a).i(aOff).mem(b).i(bOff)
                .f(split ? 0 : beta).mem(split ? partial : c).i(split ? 0 : cOff).i(chunk)
                .run(global.apply(slabs), local);
        if (split) {
            new KernelCall(cl, "reduce.cl", "gemm_sum_slabs").mem(partial).i(slabs).i((long) m * n)
                    .f(alpha).f(beta).mem(c).i(cOff).run((long) m * n);
        }
    }

    /**
     * How many K slabs: enough work-groups for every compute unit four times over, each slab at
     * least 8 K slices long; 1 when C alone has enough blocks.
     */
    private int slabs(long blocks, int k, int slice) {
        long wanted = 4L * cl.device().computeUnits();
        if (blocks >= wanted) return 1;
        int maxSlabs = Math.max(1, k / (8 * slice));
        return (int) Math.min(maxSlabs, (wanted + blocks - 1) / blocks);
    }

    private static int roundUp(int x, int multiple) { return (x + multiple - 1) / multiple * multiple; }
}
