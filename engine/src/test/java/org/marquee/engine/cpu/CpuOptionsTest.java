package org.marquee.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.ConvPlan;
import org.marquee.engine.Tensor;

/** The CPU options: defaults, the system properties that fill them, validation, and backends built from different ones in one JVM. */
class CpuOptionsTest {

    private static Properties properties(String... keysAndValues) {
        Properties p = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) p.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        return p;
    }

    @Test
    void defaultsAreTheMeasuredChoices() {
        CpuOptions d = CpuOptions.defaults();
        assertEquals(new CpuOptions(0, false, false,
                new CpuTuning(384, 192, 256, false, true, true, Runtime.version().feature() >= 25, 4, 8, 8)), d);
        assertEquals(d, CpuOptions.fromProperties(new Properties()), "no property set: the defaults");
    }

    @Test
    void propertiesFillEveryOption() {
        Properties p = properties(
                "marquee.cpu.scalar", "true", "marquee.cpu.im2col", "TRUE",
                "marquee.cpu.pairLanes", String.valueOf(!CpuOptions.defaultPairLanes()),
                "marquee.cpu.kc", "100", "marquee.cpu.mc", " 50", "marquee.cpu.nc", "70",
                "marquee.cpu.packAllB", "true", "marquee.cpu.noDot", "true", "marquee.cpu.staticSplit", "true",
                "marquee.cpu.convRows", "6", "marquee.cpu.inputGradRows", "3", "marquee.cpu.runsPerThread", "16");
        assertEquals(new CpuOptions(0, true, true,
                        new CpuTuning(100, 50, 70, true, false, false, !CpuOptions.defaultPairLanes(), 6, 3, 16)),
                CpuOptions.fromProperties(p));
        CpuTuning tuned = CpuTuning.baseline().withBlocks(384, 96, 512).withConvUnits(2, 16, 4);
        assertEquals(tuned.withBlocks(384, 96, 128), CpuOptions.fromProperties(properties("marquee.cpu.nc", "128"), tuned).tuning(),
                "a property wins over the tuning it is laid on, the rest of the tuning stays");
        Properties off = properties("marquee.cpu.scalar", "false", "marquee.cpu.noDot", "false", "marquee.cpu.staticSplit", "false");
        assertEquals(CpuOptions.defaults(), CpuOptions.fromProperties(off), "false is each option's default");
    }

    @Test
    void invalidValuesAreRejectedNamingTheOption() {
        assertMessage("threads", () -> CpuOptions.defaults().withThreads(-1));
        assertMessage("kc", () -> CpuOptions.defaults().withBlocks(0, 192, 256));
        assertMessage("mc", () -> CpuOptions.defaults().withBlocks(384, -8, 256));
        assertMessage("nc", () -> CpuOptions.defaults().withBlocks(384, 192, CpuOptions.MAX_BLOCK + 1));
        assertMessage("marquee.cpu.scalar", () -> CpuOptions.fromProperties(properties("marquee.cpu.scalar", "yes")));
        assertMessage("marquee.cpu.pairLanes", () -> CpuOptions.fromProperties(properties("marquee.cpu.pairLanes", "")));
        assertMessage("marquee.cpu.kc", () -> CpuOptions.fromProperties(properties("marquee.cpu.kc", "big")));
        assertMessage("marquee.cpu.nc", () -> CpuOptions.fromProperties(properties("marquee.cpu.nc", "0")));
        assertMessage("marquee.cpu.noDot", () -> CpuOptions.fromProperties(properties("marquee.cpu.noDot", "1")));
        assertMessage("convRows", () -> CpuTuning.baseline().withConvUnits(3, 8, 8));
        assertMessage("runsPerThread", () -> CpuTuning.baseline().withConvUnits(4, 8, 0));
    }

    private static void assertMessage(String name, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(name + " ") || e.getMessage().startsWith("-D" + name + " "), e.getMessage());
    }

    @Test
    void withHelpersChangeOnlyTheirOptions() {
        CpuOptions d = CpuOptions.defaults();
        assertEquals(new CpuOptions(3, true, true, new CpuTuning(10, 20, 30, true, false, false, !d.pairLanes(), 4, 8, 8)),
                d.withThreads(3).withScalar(true).withIm2col(true).withPairLanes(!d.pairLanes())
                        .withBlocks(10, 20, 30).withGemmRoutes(true, false, false));
    }

    static Tensor random(CpuBackend b, long seed, int... shape) {
        Tensor t = b.allocate(shape);
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[t.intSize()];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextDouble(-1, 1);
        b.upload(t, v);
        return t;
    }

    /** A convolution with ReLU and fused pooling, the backward pass from the pooling's gradient, a dropout mask: all results concatenated. */
    static float[] layerResults(CpuBackend b) {
        ConvGeometry g = new ConvGeometry(3, 34, 38, 8, 3, 3, 1, 0);
        int n = 2, ph = g.oh() / 2, pw = g.ow() / 2;
        Tensor x = random(b, 1, n, g.c(), g.h(), g.w()), w = random(b, 2, g.k(), g.patch());
        Tensor bias = random(b, 3, g.k()), dpool = random(b, 4, n, g.k(), ph, pw);
        Tensor pooled = b.allocate(n, g.k(), ph, pw), arg = b.allocate(n, g.k(), ph, pw);
        Tensor dx = b.allocate(n, g.c(), g.h(), g.w());
        Tensor dw = b.allocate(g.k(), g.patch()), db = b.allocate(g.k()), mask = b.allocate(10_007);
        try (ConvPlan plan = b.planConv(g)) {
            b.conv2dMaxPool(plan, x, w, bias, n, pooled, arg);
            b.conv2dPooledBackward(plan, x, dpool, arg, w, n, dw, db, dx);
        }
        b.dropoutMask(mask, 7, 3, 0.4);
        float[][] parts = {pooled.toFloats(), arg.toFloats(), dw.toFloats(), db.toFloats(), dx.toFloats(), mask.toFloats()};
        int size = 0;
        for (float[] p : parts) size += p.length;
        float[] all = new float[size];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    static float[] product(CpuBackend b) {
        int m = 40, n = 700, depth = 1500;
        Tensor a = random(b, 5, m, depth), bt = random(b, 6, n, depth), c = random(b, 7, m, n);
        b.gemm(false, true, m, n, depth, 1.0, a, bt, 0.5, c);
        return c.toFloats();
    }

    @Test
    void backendsWithDifferentOptionsWorkSideBySide() {
        CpuOptions base = CpuOptions.defaults().withThreads(2);
        try (CpuBackend fast = new CpuBackend(base);
             CpuBackend otherLanes = new CpuBackend(base.withPairLanes(!base.pairLanes()));
             CpuBackend scalar = new CpuBackend(base.withScalar(true));
             CpuBackend otherGemm = new CpuBackend(base.withBlocks(100, 50, 70).withGemmRoutes(true, false, false))) {
            assertFalse(fast.isScalar());
            assertTrue(scalar.isScalar());
            float[] expected = layerResults(fast);
            // the pair lanes pool and hash differently, to the same bits
            assertArrayEquals(expected, layerResults(otherLanes), "other pair-lane choice");
            float[] twin = layerResults(scalar);
            assertEquals(expected.length, twin.length);
            for (int i = 0; i < twin.length; i++) {
                assertEquals(expected[i], twin[i], 1e-3 + 1e-4 * Math.abs(expected[i]), "scalar twin, element " + i);
            }
            // other GEMM blocks and routes add in another order: close, not equal
            float[] viaDefault = product(fast), viaOther = product(otherGemm), viaScalar = product(scalar);
            for (int i = 0; i < viaDefault.length; i++) {
                assertEquals(viaScalar[i], viaDefault[i], 1e-3, "default GEMM, element " + i);
                assertEquals(viaScalar[i], viaOther[i], 1e-3, "packed, static, small-block GEMM, element " + i);
            }
            // and the first backend still computes as before after the others ran
            assertArrayEquals(expected, layerResults(fast), "default backend again");
        }
    }
}
