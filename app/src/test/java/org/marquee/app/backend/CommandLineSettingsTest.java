package org.marquee.app.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.marquee.engine.cpu.CpuProvider;
import org.marquee.opencl.OpenClBackend;

/** What the command line hands the backends: the user's marquee.* properties over its own defaults. */
class CommandLineSettingsTest {

    @Test
    void theDefaultsTuneWithACacheUnderTheHomeFolder() {
        Properties system = new Properties();
        system.setProperty("user.home", "/home/u");
        system.setProperty("java.version", "17");
        Map<String, String> s = CommandLineSettings.of(system, Map.of());
        assertEquals(Map.of(CpuProvider.TUNE_PROPERTY, "true",
                CpuProvider.TUNING_DIR_PROPERTY, Path.of("/home/u", ".cache", "marquee").toString(),
                OpenClBackend.Options.TUNE_PROPERTY, "on",
                OpenClBackend.Options.TUNE_CACHE_PROPERTY, Path.of("/home/u", ".cache", "marquee").toString()), s);
        assertEquals(Path.of("/xdg", "marquee").toString(),
                CommandLineSettings.of(system, Map.of("XDG_CACHE_HOME", "/xdg")).get(OpenClBackend.Options.TUNE_CACHE_PROPERTY));
    }

    @Test
    void whatTheUserSetWinsAndOtherPropertiesStayOut() {
        Properties system = new Properties();
        system.setProperty("user.home", "/home/u");
        system.setProperty(CpuProvider.TUNE_PROPERTY, "false");
        system.setProperty(CpuProvider.TUNING_DIR_PROPERTY, " ");
        system.setProperty("marquee.cpu.kc", "128");
        system.setProperty(OpenClBackend.Options.TUNE_PROPERTY, "off");
        system.setProperty("other.setting", "x");
        Map<String, String> s = CommandLineSettings.of(system, Map.of());
        assertEquals("false", s.get(CpuProvider.TUNE_PROPERTY));
        assertEquals(Path.of("/home/u", ".cache", "marquee").toString(), s.get(CpuProvider.TUNING_DIR_PROPERTY), "blank is not set");
        assertEquals("128", s.get("marquee.cpu.kc"));
        assertEquals("off", s.get(OpenClBackend.Options.TUNE_PROPERTY));
        assertFalse(s.containsKey("other.setting"));
    }
}
