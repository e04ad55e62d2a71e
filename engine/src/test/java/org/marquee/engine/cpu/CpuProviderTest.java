package org.marquee.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider;
import org.marquee.engine.BackendProvider.Availability;
import org.marquee.engine.BackendProvider.BackendOptions;

class CpuProviderTest {
    @Test
    void withoutTheVectorModuleTheProbeSaysHowToAddIt() {
        Availability a = new CpuProvider(() -> false).probe();
        assertFalse(a.available());
        assertEquals("jdk.incubator.vector not loaded; run java with --add-modules jdk.incubator.vector", a.reason());
    }

    @Test
    void createProbesFirstAndFailsWithTheReasonInsteadOfALinkageError() {
        AtomicInteger probes = new AtomicInteger();
        CpuProvider missing = new CpuProvider(() -> { probes.incrementAndGet(); return false; });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> missing.create(BackendOptions.defaults()));
        assertEquals(1, probes.get());
        assertEquals("backend 'cpu' is not available here: jdk.incubator.vector not loaded; run java with --add-modules"
                + " jdk.incubator.vector", e.getMessage());
    }

    @Test
    void withTheModuleItCreatesTheCpuBackend() {
        // the build runs the tests with --add-modules jdk.incubator.vector
        CpuProvider provider = new CpuProvider();
        assertTrue(provider.probe().available(), provider.probe().reason());
        try (Backend b = provider.create(new BackendOptions(1, null))) {
            assertTrue(b instanceof CpuBackend, b.describe());
        }
    }

    @Test
    void requireAvailableReturnsTheProbeOfAUsableProvider() {
        Availability a = BackendProvider.requireAvailable(new CpuProvider(() -> true));
        assertTrue(a.available() && a.reason().startsWith("float32, Vector API"), a.reason());
    }
}
