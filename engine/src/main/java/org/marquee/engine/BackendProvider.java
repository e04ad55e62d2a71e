package org.marquee.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A way to create a backend, discovered with {@link ServiceLoader}
 * ({@code META-INF/services/org.marquee.engine.BackendProvider}). Each provider can say whether it is
 * usable here and, if not, why, without throwing; when it is, on what kind of device.
 *
 * <p>An automatic choice takes, among the usable providers, one on a GPU or accelerator
 * ({@link DeviceKind#dedicated()}) over one on the host CPU, and among those of the same kind the
 * highest {@link #priority()}: the cpu backend (100) before OpenCL on a CPU device such as PoCL
 * (50), before the float64 reference backend (0), which is a fallback only.
 */
public interface BackendProvider {

    /**
     * The name users type: "reference", "cpu", "opencl".
     *
     * @return the provider's name
     */
    String name();

    /**
     * Whether this backend can run here, and on what; {@link Availability#reason()} says why not.
     *
     * @return what the probe found
     */
    Availability probe();

    /**
     * Rank among usable providers on the same kind of device, highest first: how fast this backend
     * is there. A provider of priority 0 is a fallback, taken automatically only when nothing else is usable.
     *
     * @return the priority, 0 for a fallback
     */
    int priority();

    /**
     * Creates the backend. {@code device} selects a device by index or name where that applies (may be null).
     * Where this provider cannot run here, it throws an {@link IllegalStateException} naming the
     * probe's reason ({@link #requireAvailable}) rather than failing deeper with a linkage error.
     *
     * @param options threads and device selector
     * @return the backend, which the caller closes
     */
    Backend create(BackendOptions options);

    /**
     * Probes {@code provider} and returns what it found, or throws an {@link IllegalStateException}
     * "backend 'NAME' is not available here: REASON". {@link #create} implementations call it first.
     *
     * @param provider the provider to probe
     * @return its availability, usable
     */
    static Availability requireAvailable(BackendProvider provider) {
        Availability a = provider.probe();
        if (!a.available()) {
            throw new IllegalStateException("backend '" + provider.name() + "' is not available here: " + a.reason());
        }
        return a;
    }

    /**
     * The result of a probe: usable or not, what it found (or why not), and the kind of device it
     * would run on (null when not usable).
     *
     * @param available whether the backend can run here
     * @param reason    what the probe found, or why the backend cannot run
     * @param kind      the kind of device it would run on, null when not usable
     */
    record Availability(boolean available, String reason, DeviceKind kind) {
        /**
         * Checks the result: a reason is always given, a usable backend names its kind of device, an unusable one none.
         *
         * @param available whether the backend can run here
         * @param reason what the probe found, or why it cannot run
         * @param kind the kind of device it runs on; ignored when not usable
         */
        public Availability {
            if (reason == null) throw new IllegalArgumentException("an availability needs a reason");
            if (available && kind == null) throw new IllegalArgumentException("a usable backend runs on some kind of device");
            if (!available) kind = null;
        }

        /**
         * Usable on the host CPU.
         *
         * @param what what the probe found
         * @return a usable availability on the CPU
         */
        public static Availability yes(String what) { return new Availability(true, what, DeviceKind.CPU); }
        /**
         * Usable on a device of this kind.
         *
         * @param what what the probe found
         * @param kind the kind of device
         * @return a usable availability
         */
        public static Availability yes(String what, DeviceKind kind) { return new Availability(true, what, kind); }
        /**
         * Not usable here.
         *
         * @param why the reason, for the user
         * @return an unusable availability
         */
        public static Availability no(String why) { return new Availability(false, why, null); }
    }

    /**
     * Options common to all backends: threads (0 = all processors), device selector (null =
     * default), and the backend-specific settings, named as the command line's system properties
     * ({@code marquee.cpu.scalar}, {@code marquee.opencl.family}, ...). A provider takes the
     * settings it knows from {@link #settings()} and nothing from anywhere else: no system property
     * or environment variable is read behind the caller's back. Empty settings mean each backend's
     * documented built-in defaults (for the cpu backend {@link org.marquee.engine.cpu.CpuOptions#defaults()},
     * no tuning measured or read from a cache). The command line passes what its user set.
     *
     * @param threads  worker threads, 0 = all processors
     * @param device   the device: an index or part of its name, null = the backend's default
     * @param settings backend-specific settings by property name; empty = the built-in defaults
     */
    record BackendOptions(int threads, String device, java.util.Map<String, String> settings) {
        /**
         * Checks the thread count and copies the settings.
         *
         * @param threads worker threads, 0 = all processors
         * @param device the device selector, index or part of its name; null for the default
         * @param settings backend-specific settings by property name (not null)
         */
        public BackendOptions {
            if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = all processors): " + threads);
            settings = java.util.Map.copyOf(java.util.Objects.requireNonNull(settings, "settings"));
        }

        /**
         * These threads and device with the built-in defaults of every backend (no settings).
         *
         * @param threads worker threads, 0 = all processors
         * @param device the device selector, index or part of its name; null for the default
         */
        public BackendOptions(int threads, String device) { this(threads, device, java.util.Map.of()); }

        /**
         * All processors, the default device, the built-in defaults.
         *
         * @return the default options
         */
        public static BackendOptions defaults() { return new BackendOptions(0, null); }

        /**
         * These options with other settings.
         *
         * @param settings backend-specific settings by property name
         * @return the changed options
         */
        public BackendOptions withSettings(java.util.Map<String, String> settings) {
            return new BackendOptions(threads, device, settings);
        }

        /**
         * The settings as {@link java.util.Properties}, the form the backends' parsers take.
         *
         * @return a new properties object holding the settings
         */
        public java.util.Properties settingsAsProperties() {
            java.util.Properties p = new java.util.Properties();
            p.putAll(settings);
            return p;
        }
    }

    /**
     * Every provider on the class path, in discovery order.
     *
     * @return the providers ServiceLoader finds
     */
    static List<BackendProvider> all() {
        List<BackendProvider> list = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class).forEach(list::add);
        return list;
    }

    /**
     * The provider with this name, if present on the class path.
     *
     * @param name the name, case-insensitive
     * @return the provider, or empty
     */
    static Optional<BackendProvider> named(String name) {
        return all().stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
    }
}
