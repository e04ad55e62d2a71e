package org.marquee.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider;
import org.marquee.engine.BackendProvider.BackendOptions;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.ConvPlan;
import org.marquee.engine.Tensor;

/** The scalar switch, thread option and service registration of the CPU backend. */
class CpuScalarSwitchTest {

    @Test
    void convenienceConstructorsReadTheSystemProperties() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            assertEquals(CpuOptions.fromSystemProperties().withThreads(2), cpu.options());
            assertEquals(Boolean.getBoolean(CpuBackend.SCALAR_PROPERTY), cpu.isScalar());
            assertEquals(cpu.isScalar(), cpu.describe().contains("scalar"), cpu.describe());
        }
    }

    @ParameterizedTest(name = "scalar={0}")
    @ValueSource(booleans = {false, true})
    void scalarOptionSelectsTheScalarTwin(boolean scalar) {
        try (CpuBackend cpu = new CpuBackend(CpuOptions.defaults().withThreads(2).withScalar(scalar))) {
            assertEquals("cpu", cpu.name());
            assertEquals(scalar, cpu.isScalar());
            assertEquals(scalar, cpu.describe().contains("scalar"), cpu.describe());
            assertEquals(scalar ? 1 : 2, cpu.threads());
            assertEquals(scalar ? ConvPlan.TEXTBOOK : "direct", cpu.planConv(new ConvGeometry(2, 9, 9, 3, 3, 3, 1, 0)).route(),
                    "the scalar twin unfolds columns");
        }
    }

    @Test
    void scalarAndFastPathsAgree() {
        CpuOptions options = CpuOptions.defaults().withThreads(2);
        try (CpuBackend fast = new CpuBackend(options); CpuBackend scalar = new CpuBackend(options.withScalar(true))) {
            assertTrue(scalar.isScalar());
            assertEquals(2, fast.threads());
            float[] a = new float[9 * 40], b = new float[40 * 33];
            for (int i = 0; i < a.length; i++) a[i] = (i * 7 % 13) / 13f - 0.5f;
            for (int i = 0; i < b.length; i++) b[i] = (i * 5 % 11) / 11f - 0.5f;
            float[] viaFast = product(fast, a, b), viaScalar = product(scalar, a, b);
            assertArrayEquals(viaScalar, viaFast, 1e-5f);
        }
    }

    private static float[] product(CpuBackend cpu, float[] a, float[] b) {
        Tensor ta = cpu.allocate(9, 40), tb = cpu.allocate(40, 33), tc = cpu.allocate(9, 33);
        cpu.upload(ta, a);
        cpu.upload(tb, b);
        cpu.gemm(false, false, 9, 33, 40, 1.0, ta, tb, 0.0, tc);
        return tc.toFloats();
    }

    @Test
    void providerIsRegisteredAndHonoursThreads() {
        BackendProvider p = BackendProvider.named("cpu").orElseThrow();
        assertTrue(p.probe().available(), p.probe().reason());
        try (Backend b = p.create(new BackendOptions(3, null))) {
            assertEquals("cpu", b.name());
            CpuTuning machine = CpuOptions.fromSystemProperties().scalar() ? CpuTuning.baseline()
                    : CpuProvider.machineTuning(System.getProperties(), 3).tuning();
            assertEquals(CpuOptions.fromProperties(System.getProperties(), machine).withThreads(3), ((CpuBackend) b).options(),
                    "the machine's tuning under the properties that are set");
            if (!((CpuBackend) b).isScalar()) assertTrue(b.describe().contains("3 threads"), b.describe());
        }
        assertThrows(IllegalArgumentException.class, () -> new CpuBackend(-1));
    }
}
