package org.marquee.app.backend;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.marquee.engine.cpu.CpuProvider;
import org.marquee.opencl.OpenClProvider;

/**
 * The backend settings of a command line: every {@code marquee.*} system property its user set,
 * and where none is set, the command line's own defaults (the cpu backend measures its tuning once
 * and caches it in {@code ~/.cache/marquee}, the OpenCL GPU family tunes with its cache in
 * {@code $XDG_CACHE_HOME/marquee} or {@code ~/.cache/marquee}). This is the one place the
 * launcher and the benchmarks read system properties and the environment for a backend; the
 * backends themselves take what they are given
 * ({@link org.marquee.engine.BackendProvider.BackendOptions#settings()}).
 */
public final class CommandLineSettings {
    private static final String PREFIX = "marquee.";

    private CommandLineSettings() {}

    /**
     * This JVM's settings: its system properties and environment.
     *
     * @return the settings, by property name
     */
    public static Map<String, String> current() {
        return of(System.getProperties(), System.getenv());
    }

    /**
     * The settings {@code system} and {@code environment} give: each {@code marquee.*} property,
     * and the command line's default for each tuning setting left out or blank.
     *
     * @param system      the system properties
     * @param environment the environment variables
     * @return the settings, by property name
     */
    public static Map<String, String> of(Properties system, Map<String, String> environment) {
        Map<String, String> settings = new TreeMap<>();
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith(PREFIX)) settings.put(name, system.getProperty(name));
        }
        String home = system.getProperty("user.home", ".");
        Map<String, String> defaults = new TreeMap<>(CpuProvider.commandLineDefaults(home));
        defaults.putAll(OpenClProvider.commandLineDefaults(home, environment.get("XDG_CACHE_HOME")));
        defaults.forEach((name, value) -> {
            String given = settings.get(name);
            if (given == null || given.isBlank()) settings.put(name, value);
        });
        return Map.copyOf(settings);
    }

    /**
     * {@link #current()} as {@link Properties}, the form the backends' parsers take.
     *
     * @return a new properties object
     */
    public static Properties currentAsProperties() {
        Properties p = new Properties();
        p.putAll(current());
        return p;
    }
}
