package org.marquee.opencl;

/**
 * The GEMM kernels of {@code kernels/gemm.cl}, side by side: each is tested against the reference
 * backend, and {@link OpenClBackend} uses {@link #TILED}, the faster one on PoCL.
 */
public enum GemmKernel {
    /** One work-item per element of C, a dot product straight from global memory; (16, 16) work-groups. */
    NAIVE("gemm_naive", 16, 16, new long[] {16, 16}),
    /** 64 x 64 blocks of C per (2, 8) work-group, K slices staged in local memory, 8 x 32 per work-item. */
    TILED("gemm_tiled", 64, 64, new long[] {2, 8});

    private final String kernelName;
    private final int rowsPerGroup;     // TM
    private final int colsPerGroup;     // TN
    private final long[] local;         // work-group size (x, y)

    GemmKernel(String kernelName, int rowsPerGroup, int colsPerGroup, long[] local) {
        this.kernelName = kernelName;
        this.rowsPerGroup = rowsPerGroup;
        this.colsPerGroup = colsPerGroup;
        this.local = local;
    }

    /**
     * The kernel for a transpose case: the naive kernel takes the flags as arguments, the tiled one
     * has a kernel per case ({@code _nn}, {@code _nt}, {@code _tn}, {@code _tt}).
     */
    String kernelName(boolean transA, boolean transB) {
        if (this == NAIVE) return kernelName;
        return kernelName + "_" + (transA ? 't' : 'n') + (transB ? 't' : 'n');
    }

    /** Whether the transpose flags are the kernel's first two arguments. */
    boolean takesTransposeFlags() { return this == NAIVE; }

    /** Work-groups covering an (M, N) C. */
    long blocks(int m, int n) {
        return (long) ((n + colsPerGroup - 1) / colsPerGroup) * ((m + rowsPerGroup - 1) / rowsPerGroup);
    }

    /** Global size (x over N, y over M, whole work-groups), and z over K slabs for the tiled kernel. */
    long[] global(int m, int n, int slabs) {
        long groupsX = (n + colsPerGroup - 1) / colsPerGroup, groupsY = (m + rowsPerGroup - 1) / rowsPerGroup;
        if (this == NAIVE) return new long[] {groupsX * local[0], groupsY * local[1]};
        return new long[] {groupsX * local[0], groupsY * local[1], slabs};
    }

    /** Work-group size, in as many dimensions as {@link #global}. */
    long[] local() { return this == NAIVE ? local.clone() : new long[] {local[0], local[1], 1}; }

    /** K slice of the tiled kernel: split-K chunks are multiples of it. */
    static final int TILE_K = 64;
}
