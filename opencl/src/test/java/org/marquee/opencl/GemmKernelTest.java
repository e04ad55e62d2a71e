package org.marquee.opencl;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.marquee.engine.reference.ReferenceBackend;

/** Both GEMM kernels, every transpose combination, sizes on and off the 64 x 64 x 16 tile grid. */
class GemmKernelTest {
    private static OpenClBackend ocl;
    private static final ReferenceBackend REF = new ReferenceBackend();

    @BeforeAll
    static void open() { ocl = OpenClRequirement.backend(); }

    @AfterAll
    static void close() { if (ocl != null) ocl.close(); }

    static Stream<Arguments> cases() {
        int[][] sizes = {{1, 1, 1}, {7, 13, 5}, {64, 64, 16}, {65, 67, 33}, {3, 130, 70}, {128, 20, 129}, {130, 97, 150}, {33, 70, 1500}};   // the last is split along K
        List<Arguments> list = new ArrayList<>();
        for (GemmKernel kernel : GemmKernel.values())
            for (int t = 0; t < 4; t++)
                for (int[] s : sizes) list.add(Arguments.of(kernel, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2]));
        return list.stream();
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2} M={3} N={4} K={5}")
    @MethodSource("cases")
    void matchesReference(GemmKernel kernel, boolean transA, boolean transB, int m, int n, int k) {
        Random rnd = new Random(31L * m + 7L * n + k + (transA ? 1000 : 0) + (transB ? 2000 : 0));
        Pair a = Pair.random(REF, ocl, rnd, transA ? k : m, transA ? m : k);
        Pair b = Pair.random(REF, ocl, rnd, transB ? n : k, transB ? k : n);
        Pair c = Pair.random(REF, ocl, rnd, m, n);
        double tol = 2e-6 * k;
        REF.gemm(transA, transB, m, n, k, 1.0, a.ref(), b.ref(), 0.0, c.ref());
        ocl.gemm(kernel, transA, transB, m, n, k, 1.0, a.ocl(), b.ocl(), 0.0, c.ocl());
        c.assertClose(kernel + " beta=0", tol, 1e-5);
        // alpha and beta: C = 0.5 * op(A) op(B) - 1.5 * C
        REF.gemm(transA, transB, m, n, k, 0.5, a.ref(), b.ref(), -1.5, c.ref());
        ocl.gemm(kernel, transA, transB, m, n, k, 0.5, a.ocl(), b.ocl(), -1.5, c.ocl());
        c.assertClose(kernel + " alpha/beta", 3 * tol, 1e-5);
    }

    @Test
    void betaZeroIgnoresNaN() {
        for (GemmKernel kernel : GemmKernel.values()) {
            Random rnd = new Random(5);
            Pair a = Pair.random(REF, ocl, rnd, 9, 17);
            Pair b = Pair.random(REF, ocl, rnd, 17, 70);
            Pair c = Pair.zeros(REF, ocl, 9, 70);
            double[] nan = new double[9 * 70];
            java.util.Arrays.fill(nan, Double.NaN);
            c.set(nan);
            REF.gemm(false, false, 9, 70, 17, 1.0, a.ref(), b.ref(), 0.0, c.ref());
            ocl.gemm(kernel, false, false, 9, 70, 17, 1.0, a.ocl(), b.ocl(), 0.0, c.ocl());
            c.assertClose(kernel + " NaN in C", 1e-5, 1e-5);
        }
    }

    @Test
    void leavesNeighboursOfTheViewAlone() {
        Random rnd = new Random(9);
        Pair a = Pair.random(REF, ocl, rnd, 5, 6);
        Pair b = Pair.random(REF, ocl, rnd, 6, 7);
        var whole = ocl.allocate(5 * 7 + 2);
        ocl.fill(whole, 42);
        var c = whole.view(1, 5, 7);
        ocl.gemm(GemmKernel.TILED, false, false, 5, 7, 6, 1.0, a.ocl(), b.ocl(), 0.0, c);
        float[] all = whole.toFloats();
        org.junit.jupiter.api.Assertions.assertEquals(42f, all[0]);
        org.junit.jupiter.api.Assertions.assertEquals(42f, all[all.length - 1]);
    }
}
