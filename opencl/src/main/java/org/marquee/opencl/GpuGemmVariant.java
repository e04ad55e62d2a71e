package org.marquee.opencl;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One blocking of the GPU-shaped GEMM ({@code kernels/gemm_gpu.cl}), built as its own program
 * with {@code -D} options: a work-group of (ndimc, mdimc) work-items computes an mwg x nwg block
 * of C in K slices of kwg staged in local memory (rows padded by {@code pad} floats), each
 * work-item mwg/mdimc x nwg/ndimc results in registers. With {@code vector} 4 a work-item reads
 * local memory as float4 (groups of 4 consecutive rows and columns) and prefetches the next K
 * slice into registers; with 1 it reads scalars, strided rows and columns.
 */
public record GpuGemmVariant(String name, int mwg, int nwg, int kwg, int mdimc, int ndimc, int pad, int vector) {
    static final String FILE = "gemm_gpu.cl";

    /**
     * The variants offered, in the order used when nothing is tuned (the first that fits the
     * device): 4 x 4 per work-item on 16 x 16 work-items is the middle of the road; 8 x 8 needs
     * more registers and larger C; the 32-row block is for the model's M = 32 GEMMs (conv1, dense1),
     * where a 64- or 128-row block computes rows that are never stored; the 8 x 8-work-item ones
     * suit devices (or kernels) limited to small work-groups. The {@code v4} ones read local
     * memory as float4 and prefetch the next K slice: 4 x 4 (two 128-bit loads per 16 FMAs), 8 x 8,
     * and 64 x 128 for conv2's M = 64 (a 128-row block computes half its rows for nothing there)
     * and 128 x 64.
     */
    public static final List<GpuGemmVariant> ALL = List.of(
            new GpuGemmVariant("m64n64k16w16x16", 64, 64, 16, 16, 16, 1),
            new GpuGemmVariant("m128n128k16w16x16", 128, 128, 16, 16, 16, 1),
            new GpuGemmVariant("m128n64k16w16x16", 128, 64, 16, 16, 16, 1),
            new GpuGemmVariant("m32n128k16w8x32", 32, 128, 16, 8, 32, 1),
            new GpuGemmVariant("m64n64k32w8x8", 64, 64, 32, 8, 8, 1),
            new GpuGemmVariant("m32n32k32w8x8", 32, 32, 32, 8, 8, 1),
            new GpuGemmVariant("m64n64k16w16x16v4", 64, 64, 16, 16, 16, 4, 4),
            new GpuGemmVariant("m128n128k16w16x16v4", 128, 128, 16, 16, 16, 4, 4),
            new GpuGemmVariant("m64n128k16w16x16v4", 64, 128, 16, 16, 16, 4, 4),
            new GpuGemmVariant("m128n64k16w16x16v4", 128, 64, 16, 16, 16, 4, 4));

    /** A scalar variant (vector 1). */
    public GpuGemmVariant(String name, int mwg, int nwg, int kwg, int mdimc, int ndimc, int pad) {
        this(name, mwg, nwg, kwg, mdimc, ndimc, pad, 1);
    }

    public GpuGemmVariant {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a GEMM variant needs a name");
        for (int v : new int[] {mwg, nwg, kwg, mdimc, ndimc}) {
            if (v <= 0) throw new IllegalArgumentException(name + ": block sizes must be positive, got " + describeSizes(mwg, nwg, kwg, mdimc, ndimc));
        }
        if (mwg % mdimc != 0 || nwg % ndimc != 0) {
            throw new IllegalArgumentException(name + ": the block (" + mwg + " x " + nwg + ") must be a multiple of the work-group ("
                    + mdimc + " x " + ndimc + ")");
        }
        if (pad < 0) throw new IllegalArgumentException(name + ": padding must be >= 0, got " + pad);
        if (vector != 1 && vector != 4) throw new IllegalArgumentException(name + ": vector width must be 1 or 4, got " + vector);
        if (vector == 4) {
            if ((mwg / mdimc) % 4 != 0 || (nwg / ndimc) % 4 != 0 || (mwg + pad) % 4 != 0 || (nwg + pad) % 4 != 0) {
                throw new IllegalArgumentException(name + ": float4 reads need 4k rows and columns per work-item and rows of 4k floats"
                        + " (MWG/MDIMC " + mwg / mdimc + ", NWG/NDIMC " + nwg / ndimc + ", MWG+PAD " + (mwg + pad) + ", NWG+PAD " + (nwg + pad) + ")");
            }
            int wg = mdimc * ndimc;
            if ((mwg * kwg) % wg != 0 || (kwg * nwg) % wg != 0) {
                throw new IllegalArgumentException(name + ": the prefetched slices (" + mwg * kwg + " and " + kwg * nwg
                        + " floats) must split evenly over the " + wg + " work-items");
            }
        }
    }

    private static String describeSizes(int mwg, int nwg, int kwg, int mdimc, int ndimc) {
        return "MWG " + mwg + ", NWG " + nwg + ", KWG " + kwg + ", MDIMC " + mdimc + ", NDIMC " + ndimc;
    }

    /** The variant named {@code name} among {@link #ALL}. */
    public static Optional<GpuGemmVariant> named(String name) {
        return ALL.stream().filter(v -> v.name.equals(name)).findFirst();
    }

    /** Results per work-item along M and N. */
    public int rowsPerItem() { return mwg / mdimc; }
    public int colsPerItem() { return nwg / ndimc; }

    /** Work-items per work-group. */
    public int workGroupSize() { return mdimc * ndimc; }

    /** Local memory of one work-group: the As and Bs slices. */
    public long localBytes() { return 4L * kwg * (mwg + pad + nwg + pad); }

    /** The program this variant is: gemm_gpu.cl built with its defines. */
    OpenClContext.ProgramKey program() {
        return new OpenClContext.ProgramKey(FILE, String.format(Locale.ROOT, "-DMWG=%d -DNWG=%d -DKWG=%d -DMDIMC=%d -DNDIMC=%d -DPAD=%d -DVW=%d",
                mwg, nwg, kwg, mdimc, ndimc, pad, vector));
    }

    static String kernelName(boolean transA, boolean transB) {
        return "gemm_gpu_" + (transA ? 't' : 'n') + (transB ? 't' : 'n');
    }

    /** Work-groups covering an (M, N) C. */
    long blocks(int m, int n) { return (long) ((m + mwg - 1) / mwg) * ((n + nwg - 1) / nwg); }

    /** Global size: x over N, y over M, z over K slabs. */
    long[] global(int m, int n, int slabs) {
        return new long[] {(long) ((n + nwg - 1) / nwg) * ndimc, (long) ((m + mwg - 1) / mwg) * mdimc, slabs};
    }

    long[] local() { return new long[] {ndimc, mdimc, 1}; }

    /**
     * Why this variant cannot run on a device with these limits, or empty when it can: its
     * work-group must fit CL_DEVICE_MAX_WORK_GROUP_SIZE and the per-dimension item limits, and its
     * slices CL_DEVICE_LOCAL_MEM_SIZE. (The kernel's own limit, which depends on its registers, is
     * checked once it is built.)
     */
    Optional<String> unfit(OpenClDevices.Limits limits) {
        if (workGroupSize() > limits.maxWorkGroupSize()) {
            return Optional.of("work-group of " + workGroupSize() + " > device maximum " + limits.maxWorkGroupSize());
        }
        if (ndimc > limits.maxItemsX() || mdimc > limits.maxItemsY()) {
            return Optional.of("work-group (" + ndimc + ", " + mdimc + ") > device item limits (" + limits.maxItemsX() + ", " + limits.maxItemsY() + ")");
        }
        if (localBytes() > limits.localMemoryBytes()) {
            return Optional.of(localBytes() + " bytes of local memory > device's " + limits.localMemoryBytes());
        }
        return Optional.empty();
    }

    @Override
    public String toString() { return name; }
}
