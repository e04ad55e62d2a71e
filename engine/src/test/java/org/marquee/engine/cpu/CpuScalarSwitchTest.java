package org.marquee.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
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
    void convenienceConstructorsTakeTheDefaultsAndReadNoProperty() {
        String before = System.getProperty(CpuBackend.SCALAR_PROPERTY);
        System.setProperty(CpuBackend.SCALAR_PROPERTY, "true");
        try (CpuBackend cpu = new CpuBackend(2); CpuBackend all = new CpuBackend()) {
            assertEquals(CpuOptions.defaults().withThreads(2), cpu.options());
            assertEquals(CpuOptions.defaults(), all.options());
            assertFalse(cpu.isScalar(), "a system property does not reach a backend built without it");
        } finally {
            if (before == null) System.clearProperty(CpuBackend.SCALAR_PROPERTY);
            else System.setProperty(CpuBackend.SCALAR_PROPERTY, before);
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
            assertEquals(scalar ? ConvPlan.Route.TEXTBOOK : ConvPlan.Route.DIRECT, cpu.planConv(new ConvGeometry(2, 9, 9, 3, 3, 3, 1, 0)).route(),
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
            assertEquals(CpuOptions.defaults().withThreads(3), ((CpuBackend) b).options(),
                    "no settings: the built-in defaults, whatever the system properties say");
            assertTrue(b.describe().contains("3 threads"), b.describe());
        }
        assertThrows(IllegalArgumentException.class, () -> new CpuBackend(-1));
    }

    @Test
    void providerTakesTheSettingsItIsGiven() {
        BackendProvider p = BackendProvider.named("cpu").orElseThrow();
        Map<String, String> settings = Map.of(CpuProvider.TUNE_PROPERTY, "false", CpuOptions.IM2COL_PROPERTY, "true",
                CpuOptions.KC_PROPERTY, "96");
        try (Backend b = p.create(new BackendOptions(2, null, settings))) {
            CpuTuning derived = CpuTuning.forProcessor(ProcessorInfo.current());
            assertEquals(CpuOptions.defaults().withThreads(2).withIm2col(true).withTuning(derived)
                    .withBlocks(96, derived.mc(), derived.nc()), ((CpuBackend) b).options(),
                    "the tuning the settings ask for, under the options they set");
        }
        try (Backend b = p.create(new BackendOptions(1, null, Map.of(CpuOptions.SCALAR_PROPERTY, "true")))) {
            assertTrue(((CpuBackend) b).isScalar());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.create(new BackendOptions(1, null, Map.of(CpuOptions.IM2COL_PROPERTY, "maybe"))));
        assertTrue(e.getMessage().contains(CpuOptions.IM2COL_PROPERTY), e.getMessage());
    }
}
