package org.marquee.app.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.marquee.engine.reference.ReferenceBackend;

class BackendSelectorTest {
    record Fake(String name, Availability availability) implements BackendProvider {
        @Override public Availability probe() { return availability; }
        @Override public Backend create(BackendOptions options) { return new ReferenceBackend(); }
    }

    final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    final PrintStream log = new PrintStream(buf, true, StandardCharsets.UTF_8);

    String log() { return buf.toString(StandardCharsets.UTF_8); }

    @Test
    void autoPrefersAvailableOpenCl() {
        Fake cl = new Fake("opencl", BackendProvider.Availability.yes("NVIDIA H100"));
        Fake cpu = new Fake("cpu", BackendProvider.Availability.yes("2 threads"));
        assertSame(cl, new BackendSelector(List.of(cpu, cl), log).choose(BackendChoice.AUTO));
        assertTrue(log().contains("opencl (NVIDIA H100)"), log());
    }

    @Test
    void autoFallsBackToCpuAndSaysWhyOnce() {
        Fake cl = new Fake("opencl", BackendProvider.Availability.no("no OpenCL platform found"));
        Fake cpu = new Fake("cpu", BackendProvider.Availability.yes("2 threads"));
        assertSame(cpu, new BackendSelector(List.of(cl, cpu), log).choose(BackendChoice.AUTO));
        assertEquals("auto backend: cpu (OpenCL unavailable: no OpenCL platform found)", log().strip());
    }

    @Test
    void autoWithoutOpenClOnTheClassPath() {
        Fake cpu = new Fake("cpu", BackendProvider.Availability.yes("2 threads"));
        assertSame(cpu, new BackendSelector(List.of(cpu), log).choose(BackendChoice.AUTO));
        assertTrue(log().contains("no OpenCL backend on the class path"), log());
    }

    @Test
    void explicitUnavailableBackendIsAClearError() {
        Fake cl = new Fake("opencl", BackendProvider.Availability.no("libOpenCL.so not found"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new BackendSelector(List.of(cl), log).choose(BackendChoice.OPENCL));
        assertEquals("backend 'opencl' is not available here: libOpenCL.so not found", e.getMessage());
    }

    @Test
    void explicitMissingBackendNamesWhatExists() {
        Fake ref = new Fake("reference", BackendProvider.Availability.yes("float64"));
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
