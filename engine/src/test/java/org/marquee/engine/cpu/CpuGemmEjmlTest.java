package org.marquee.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.marquee.engine.Tensor;

/** The CPU GEMM against an independent oracle, EJML's float multiply, in all four transpose forms. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CpuGemmEjmlTest {
    private final CpuBackend cpu = new CpuBackend(2);

    @AfterAll
    void close() { cpu.close(); }

    private static FMatrixRMaj random(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FMatrixRMaj x = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) x.data[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    private Tensor upload(FMatrixRMaj x) {
        Tensor t = cpu.allocate(x.numRows, x.numCols);
        cpu.upload(t, x.data);
        return t;
    }

    private void check(boolean ta, boolean tb, int m, int n, int k, long seed) {
        FMatrixRMaj a = ta ? random(k, m, seed) : random(m, k, seed);
        FMatrixRMaj b = tb ? random(n, k, seed + 1) : random(k, n, seed + 1);
        FMatrixRMaj expected = new FMatrixRMaj(m, n);
        if (!ta && !tb) CommonOps_FDRM.mult(a, b, expected);
        else if (ta && !tb) CommonOps_FDRM.multTransA(a, b, expected);
        else if (!ta) CommonOps_FDRM.multTransB(a, b, expected);
        else CommonOps_FDRM.multTransAB(a, b, expected);

        Tensor c = cpu.allocate(m, n);
        cpu.gemm(ta, tb, m, n, k, 1.0, upload(a), upload(b), 0.0, c);
        float[] got = c.toFloats();
        double tol = 1e-5 + 2e-7 * k;
        for (int i = 0; i < got.length; i++) {
            float e = expected.data[i];
            assertTrue(Math.abs(got[i] - e) <= tol + 1e-5 * Math.abs(e),
                    "gemm ta=" + ta + " tb=" + tb + " " + m + "x" + n + "x" + k + " element " + i + ": " + got[i] + " vs EJML " + e);
        }
    }

    @Test
    void agreesWithEjmlOnModelLikeAndOddShapes() {
        int[][] shapes = {{64, 1000, 288}, {37, 515, 100}, {300, 129, 64}, {3, 5, 2000}, {128, 576, 700}};
        long seed = 1;
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) check((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], seed++);
        }
    }
}
