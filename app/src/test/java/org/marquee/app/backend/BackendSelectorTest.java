package org.marquee.app.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider;
import org.marquee.engine.BackendProvider.Availability;
import org.marquee.engine.DeviceKind;
import org.marquee.engine.reference.ReferenceBackend;

class BackendSelectorTest {
    record Fake(String name, int priority, Availability availability) implements BackendProvider {
        @Override public Availability probe() { return availability; }
        @Override public Backend create(BackendOptions options) { return new ReferenceBackend(); }
    }

    static Fake cpu() { return new Fake("cpu", 100, Availability.yes("2 threads")); }
    static Fake reference() { return new Fake("reference", 0, Availability.yes("float64")); }
    static Fake opencl(Availability a) { return new Fake("opencl", 50, a); }

    final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    final PrintStream log = new PrintStream(buf, true, StandardCharsets.UTF_8);

    String log() { return buf.toString(StandardCharsets.UTF_8); }

    @Test
    void autoPrefersAGpuWhateverTheOrderAndPriority() {
        Fake cl = opencl(Availability.yes("NVIDIA H200", DeviceKind.GPU));
        assertSame(cl, new BackendSelector(List.of(cpu(), reference(), cl), log).choose(BackendChoice.AUTO));
        assertEquals(List.of("auto backend: opencl (NVIDIA H200, a GPU)",
                "  passed over cpu: runs on the host CPU (2 threads), and opencl runs on a GPU; --backend cpu uses it anyway",
                "  passed over reference: a fallback (float64), taken only when nothing else is usable; --backend reference uses it anyway"),
                log().lines().toList());
        Fake accelerator = opencl(Availability.yes("an FPGA board", DeviceKind.ACCELERATOR));
        assertSame(accelerator, new BackendSelector(List.of(accelerator, cpu()), log).choose(BackendChoice.AUTO));
    }

    @Test
    void autoFallsBackToCpuAndExplainsEachBackendItPassedOver() {
        Fake cl = opencl(Availability.no("no OpenCL platform found"));
        Fake cpu = cpu();
        assertSame(cpu, new BackendSelector(List.of(cl, reference(), cpu), log).choose(BackendChoice.AUTO));
        assertEquals(List.of("auto backend: cpu (2 threads; no usable backend here offers a GPU or accelerator)",
                "  passed over opencl: unavailable (no OpenCL platform found)",
                "  passed over reference: a fallback (float64), taken only when nothing else is usable; --backend reference uses it anyway"),
                log().lines().toList());
    }

    @Test
    void autoPrefersTheCpuBackendOverAnOpenClCpuDevice() {
        Fake cl = opencl(Availability.yes("PoCL on the host CPU", DeviceKind.CPU));
        Fake cpu = cpu();
        assertSame(cpu, new BackendSelector(List.of(cl, cpu), log).choose(BackendChoice.AUTO));
        assertTrue(log().contains("  passed over opencl: offers only CPU devices here (PoCL on the host CPU), where cpu is faster;"
                + " --backend opencl uses it anyway\n"), log());
        assertSame(cl, new BackendSelector(List.of(cl, cpu), log).choose(BackendChoice.OPENCL));
        assertSame(cl, new BackendSelector(List.of(cl, reference()), log).choose(BackendChoice.AUTO),
                "no cpu backend: OpenCL on the CPU beats the fallback");
    }

    @Test
    void theFallbackIsTakenOnlyWhenNothingElseIsUsable() {
        Fake ref = reference();
        assertSame(ref, new BackendSelector(List.of(ref, opencl(Availability.no("no driver"))), log).choose(BackendChoice.AUTO));
        assertEquals(List.of("auto backend: reference (float64; no usable backend here offers a GPU or accelerator)",
                "  passed over opencl: unavailable (no driver)"), log().lines().toList());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new BackendSelector(List.of(opencl(Availability.no("no driver"))), log).choose(BackendChoice.AUTO));
        assertEquals("no usable backend (opencl: no driver)", e.getMessage());
    }

    @Test
    void autoWithoutOpenClOnTheClassPath() {
        Fake cpu = cpu();
        assertSame(cpu, new BackendSelector(List.of(cpu), log).choose(BackendChoice.AUTO));
        assertEquals("auto backend: cpu (2 threads; no usable backend here offers a GPU or accelerator)", log().strip());
    }

    @Test
    void aCpuBackendWithoutTheVectorModuleIsNamedWithItsReason() {
        Fake cpu = new Fake("cpu", 100, Availability.no("jdk.incubator.vector not loaded; run java with --add-modules jdk.incubator.vector"));
        assertEquals("reference", new BackendSelector(List.of(cpu, reference()), log).choose(BackendChoice.AUTO).name());
        assertTrue(log().contains("\n  passed over cpu: unavailable (jdk.incubator.vector not loaded; run java with --add-modules"
                + " jdk.incubator.vector)\n"), log());
    }

    @Test
    void twoDedicatedDevicesTheLowerPriorityIsPassedOverWithItsKind() {
        Fake gpu = opencl(Availability.yes("NVIDIA H200", DeviceKind.GPU));
        Fake other = new Fake("other", 10, Availability.yes("an FPGA board", DeviceKind.ACCELERATOR));
        assertSame(gpu, new BackendSelector(List.of(other, gpu), log).choose(BackendChoice.AUTO));
        assertTrue(log().contains("  passed over other: usable (an FPGA board, an accelerator) but opencl ranks higher;"
                + " --backend other uses it anyway"), log());
    }

    @Test
    void aUsableProbeNamesItsDevice() {
        assertThrows(IllegalArgumentException.class, () -> new Availability(true, "somewhere", null));
        assertNull(Availability.no("why").kind());
        assertEquals(DeviceKind.CPU, Availability.yes("host").kind());
    }

    @Test
    void explicitUnavailableBackendIsAClearError() {
        Fake cl = opencl(Availability.no("libOpenCL.so not found"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new BackendSelector(List.of(cl), log).choose(BackendChoice.OPENCL));
        assertEquals("backend 'opencl' is not available here: libOpenCL.so not found", e.getMessage());
    }

    @Test
    void explicitMissingBackendNamesWhatExists() {
        Fake ref = reference();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new BackendSelector(List.of(ref), log).choose(BackendChoice.CPU));
        assertTrue(e.getMessage().contains("found: reference"), e.getMessage());
    }

    @Test
    void theReferenceProviderIsDiscovered() {
        BackendProvider p = BackendSelector.discover(log).choose(BackendChoice.REFERENCE);
        assertEquals("reference", p.name());
    }

    @Test
    void parsesChoices() {
        assertEquals(BackendChoice.OPENCL, BackendChoice.parse("OpenCL"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackendChoice.parse("cuda"));
        assertTrue(e.getMessage().contains("auto, cpu, opencl or reference"));
    }
}
