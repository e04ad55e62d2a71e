package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.marquee.engine.Tensor;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * Every GPU GEMM variant ({@code gemm_gpu.cl}) against the reference backend: all four transpose
 * cases, sizes of 1, odd sizes, sizes just above the 32-, 64- and 128-wide blocks and the K slices,
 * operands at odd element offsets (every {@link Pair} is a view at offset 3), alpha and beta,
 * beta = 0 with NaN in C, and K split into slabs (by the backend's rule and forced).
 */
class GemmGpuKernelTest {
    private static OpenClBackend ocl;
    private static final ReferenceBackend REF = new ReferenceBackend();

    @BeforeAll
    static void open() { ocl = OpenClRequirement.backend(); }

    @AfterAll
    static void close() { if (ocl != null) ocl.close(); }

    static Stream<Arguments> cases() {
        // M x N x K: 1x1x1; odd; one above 32/64 and the 16/32 K slices; above 128 in M and N; a long K
        int[][] sizes = {{1, 1, 1}, {7, 13, 5}, {33, 65, 17}, {65, 33, 33}, {129, 130, 3}, {5, 3, 700}};
        List<Arguments> list = new ArrayList<>();
        for (GpuGemmVariant v : GpuGemmVariant.ALL)
            for (int t = 0; t < 4; t++)
                for (int[] s : sizes) list.add(Arguments.of(v, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2]));
        return list.stream();
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2} M={3} N={4} K={5}")
    @MethodSource("cases")
    void matchesReference(GpuGemmVariant v, boolean transA, boolean transB, int m, int n, int k) {
        Random rnd = new Random(31L * m + 7L * n + k + (transA ? 1000 : 0) + (transB ? 2000 : 0));
        Pair a = Pair.random(REF, ocl, rnd, transA ? k : m, transA ? m : k);
        Pair b = Pair.random(REF, ocl, rnd, transB ? n : k, transB ? k : n);
        Pair c = Pair.random(REF, ocl, rnd, m, n);
        double tol = 2e-6 * k;
        REF.gemm(transA, transB, m, n, k, 1.0, a.ref(), b.ref(), 0.0, c.ref());
        ocl.gemm(v, 0, transA, transB, m, n, k, 1.0, a.ocl(), b.ocl(), 0.0, c.ocl());
        c.assertClose(v + " beta=0", tol, 1e-5);
        // alpha and beta, K forced into 3 slabs: C = 0.5 * op(A) op(B) - 1.5 * C
        REF.gemm(transA, transB, m, n, k, 0.5, a.ref(), b.ref(), -1.5, c.ref());
        ocl.gemm(v, 3, transA, transB, m, n, k, 0.5, a.ocl(), b.ocl(), -1.5, c.ocl());
        c.assertClose(v + " alpha/beta, 3 slabs", 3 * tol, 1e-5);
    }

    @Test
    void betaZeroIgnoresNaNAndTheNeighboursOfCStayUntouched() {
        for (GpuGemmVariant v : GpuGemmVariant.ALL) {
            for (int slabs : new int[] {1, 4}) {
                Random rnd = new Random(5);
                int m = 9, n = 70, k = 130;
                Pair a = Pair.random(REF, ocl, rnd, m, k);
                Pair b = Pair.random(REF, ocl, rnd, k, n);
                Tensor whole = ocl.allocate(m * n + 2);
                ocl.fill(whole, Double.NaN);
                Tensor c = whole.view(1, m, n);
                Tensor expected = REF.allocate(m, n);
                REF.gemm(false, false, m, n, k, 1.0, a.ref(), b.ref(), 0.0, expected);
                ocl.gemm(v, slabs, false, false, m, n, k, 1.0, a.ocl(), b.ocl(), 0.0, c);
                Pair.assertClose(v + " NaN in C, " + slabs + " slab(s)", expected.toDoubles(), c.toDoubles(), 3e-4, 1e-5);
                float[] all = whole.toFloats();
                assertEquals(Float.NaN, all[0], v + ": element before C");
                assertEquals(Float.NaN, all[all.length - 1], v + ": element after C");
            }
        }
    }

    /** The backend's own rule splits K when C has few blocks: a long K on a small C, through {@code gemm}. */
    @Test
    void splitsALongKByTheBackendsRule() {
        Random rnd = new Random(11);
        int m = 20, n = 30, k = 3000;
        for (GpuGemmVariant v : GpuGemmVariant.ALL) {
            Pair a = Pair.random(REF, ocl, rnd, k, m);
            Pair b = Pair.random(REF, ocl, rnd, n, k);
            Pair c = Pair.random(REF, ocl, rnd, m, n);
            REF.gemm(true, true, m, n, k, 2.0, a.ref(), b.ref(), 1.0, c.ref());
            ocl.gemm(v, 0, true, true, m, n, k, 2.0, a.ocl(), b.ocl(), 1.0, c.ocl());
            c.assertClose(v + " long K", 4e-6 * k, 1e-5);
        }
    }

    @Test
    void variantsRejectBlockingsThatDoNotDivide() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new GpuGemmVariant("bad", 64, 64, 16, 12, 16, 1));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("multiple of the work-group"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new GpuGemmVariant("neg", 64, 64, 0, 16, 16, 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new GpuGemmVariant("pad", 64, 64, 16, 16, 16, -1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new GpuGemmVariant("v3", 64, 64, 16, 16, 16, 4, 3));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new GpuGemmVariant("unaligned", 64, 64, 16, 16, 16, 1, 4),
                "float4 rows need a padding that keeps them 16-byte aligned");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new GpuGemmVariant("2x2", 32, 32, 16, 16, 16, 4, 4),
                "two rows per work-item cannot be read as float4");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new GpuGemmVariant("uneven", 64, 64, 2, 16, 16, 4, 4),
                "a 128-float slice over 256 work-items");
        assertEquals(List.copyOf(GpuGemmVariant.ALL), GpuGemmVariant.ALL.stream().distinct().toList());
        assertEquals(GpuGemmVariant.ALL.size(), GpuGemmVariant.ALL.stream().map(GpuGemmVariant::name).distinct().count(),
                "variant names are unique: " + Arrays.toString(GpuGemmVariant.ALL.toArray()));
    }
}
