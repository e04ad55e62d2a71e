package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider;
import org.marquee.engine.BackendProvider.BackendOptions;

/** Device listing, selection by index or name, and the provider's probe and errors. */
class OpenClDevicesTest {

    @Test
    void providerIsDiscoverableAndProbeNeverThrows() {
        OpenClRequirement.linkLibrary();
        BackendProvider p = BackendProvider.named("opencl").orElseThrow();
        BackendProvider.Availability a = p.probe();
        assertNotNull(a.reason());
        assertFalse(a.reason().isBlank());
    }

    @Test
    void listsDevicesWithTheirProperties() {
        OpenClRequirement.check();
        List<OpenClDevices.Device> devices = OpenClDevices.list();
        assertFalse(devices.isEmpty());
        for (int i = 0; i < devices.size(); i++) {
            OpenClDevices.Device d = devices.get(i);
            assertEquals(i, d.index());
            assertFalse(d.name().isBlank());
            assertTrue(d.computeUnits() > 0, d.describe());
            assertTrue(d.globalMemoryBytes() > 0, d.describe());
            assertTrue(d.describe().startsWith(i + ": " + d.name()), d.describe());
        }
    }

    @Test
    void selectsByIndexOrNameAndExplainsMisses() {
        OpenClRequirement.check();
        List<OpenClDevices.Device> devices = OpenClDevices.list();
        OpenClDevices.Device first = devices.get(0);
        assertSame(first, OpenClDevices.select(devices, null));
        assertSame(first, OpenClDevices.select(devices, " 0 "));
        String part = first.name().substring(0, Math.min(6, first.name().length())).toUpperCase();
        if (devices.stream().filter(d -> d.name().toUpperCase().contains(part)).count() == 1) {
            assertSame(first, OpenClDevices.select(devices, part));
        }
        OpenClException e = assertThrows(OpenClException.class, () -> OpenClDevices.select(devices, "99"));
        assertTrue(e.getMessage().contains("out of range") && e.getMessage().contains(first.name()), e.getMessage());
        e = assertThrows(OpenClException.class, () -> OpenClDevices.select(devices, "no-such-device-xyz"));
        assertTrue(e.getMessage().contains("no-such-device-xyz"), e.getMessage());
        assertThrows(OpenClException.class, () -> OpenClDevices.select(List.of(), null));
    }

    @Test
    void createHonoursTheDeviceOptionAndCloses() {
        OpenClRequirement.check();
        try (Backend b = new OpenClProvider().create(new BackendOptions(0, "0"))) {
            assertEquals("opencl", b.name());
            assertTrue(b.describe().contains(OpenClDevices.list().get(0).name()), b.describe());
            b.synchronize();
        }
        assertThrows(OpenClException.class, () -> new OpenClProvider().create(new BackendOptions(0, "no-such-device-xyz")));
    }

    @Test
    void closedBackendRefusesWork() {
        OpenClBackend b = OpenClRequirement.backend();
        var t = b.allocate(3);
        t.close();
        b.close();
        b.close();   // idempotent
        assertThrows(IllegalStateException.class, () -> b.allocate(2));
    }

    @Test
    void buildErrorsNameTheFileAndCarryTheLog() {
        OpenClRequirement.check();
        OpenClDevices.Device d = OpenClDevices.list().get(0);
        OpenClException e = assertThrows(OpenClException.class,
                () -> new OpenClContext(d, java.util.Map.of("broken.cl", "__kernel void k(__global float* x) { x[0] = undefined_name; }")).close());
        assertTrue(e.getMessage().contains("broken.cl"), e.getMessage());
        assertTrue(e.getMessage().contains("CL_BUILD_PROGRAM_FAILURE"), e.getMessage());
        assertTrue(e.getMessage().contains("undefined_name"), e.getMessage());
    }
}
