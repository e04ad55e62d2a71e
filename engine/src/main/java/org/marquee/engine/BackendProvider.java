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

    /** The name users type: "reference", "cpu", "opencl". */
    String name();

    /** Whether this backend can run here, and on what; {@link Availability#reason()} says why not. */
    Availability probe();

    /**
     * Rank among usable providers on the same kind of device, highest first: how fast this backend
     * is there. A provider of priority 0 is a fallback, taken automatically only when nothing else is usable.
     */
    int priority();

    /**
     * Creates the backend. {@code device} selects a device by index or name where that applies (may be null).
     * Where this provider cannot run here, it throws an {@link IllegalStateException} naming the
     * probe's reason ({@link #requireAvailable}) rather than failing deeper with a linkage error.
     */
    Backend create(BackendOptions options);

    /**
     * Probes {@code provider} and returns what it found, or throws an {@link IllegalStateException}
     * "backend 'NAME' is not available here: REASON". {@link #create} implementations call it first.
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
     */
    record Availability(boolean available, String reason, DeviceKind kind) {
        public Availability {
            if (reason == null) throw new IllegalArgumentException("an availability needs a reason");
            if (available && kind == null) throw new IllegalArgumentException("a usable backend runs on some kind of device");
            if (!available) kind = null;
        }

        /** Usable on the host CPU. */
        public static Availability yes(String what) { return new Availability(true, what, DeviceKind.CPU); }
        /** Usable on a device of this kind. */
        public static Availability yes(String what, DeviceKind kind) { return new Availability(true, what, kind); }
        public static Availability no(String why) { return new Availability(false, why, null); }
    }

    /** Options common to all backends: threads (0 = all processors), device selector (null = default). */
    record BackendOptions(int threads, String device) {
        public BackendOptions {
            if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = all processors): " + threads);
        }
        public static BackendOptions defaults() { return new BackendOptions(0, null); }
    }

    /** Every provider on the class path, in discovery order. */
    static List<BackendProvider> all() {
        List<BackendProvider> list = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class).forEach(list::add);
        return list;
    }

    /** The provider with this name, if present on the class path. */
    static Optional<BackendProvider> named(String name) {
        return all().stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
    }
}
