package org.marquee.opencl;

/**
 * The GEMM kernels of {@code kernels/gemm.cl}, side by side: each is tested against the reference
 * backend, and {@link OpenClBackend} uses {@link #TILED}, the faster one on PoCL.
 */
public enum GemmKernel {
    /** One work-item per element of C, a dot product straight from global memory. */
    NAIVE("gemm_naive", 1, 1, null),
    /** 64 x 64 blocks of C per (16, 16) work-group, K slices staged in local memory, 4 x 4 per work-item. */
    TILED("gemm_tiled", 64, 64, new long[] {16, 16});

    final String kernelName;
    private final int rowsPerGroup;     // TM
    private final int colsPerGroup;     // TN
    private final long[] local;         // work-group size (x, y) or null for the runtime's choice

    GemmKernel(String kernelName, int rowsPerGroup, int colsPerGroup, long[] local) {
        this.kernelName = kernelName;
        this.rowsPerGroup = rowsPerGroup;
        this.colsPerGroup = colsPerGroup;
        this.local = local;
    }

    /** Global size (x over N, y over M). */
    long[] global(int m, int n) {
        if (local == null) return new long[] {n, m};
        long groupsX = (n + colsPerGroup - 1) / colsPerGroup, groupsY = (m + rowsPerGroup - 1) / rowsPerGroup;
        return new long[] {groupsX * local[0], groupsY * local[1]};
    }

    long[] local() { return local == null ? null : local.clone(); }
}
