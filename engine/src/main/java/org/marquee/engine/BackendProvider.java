package org.marquee.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A way to create a backend, discovered with {@link ServiceLoader}
 * ({@code META-INF/services/org.marquee.engine.BackendProvider}). Each provider can say whether it is
 * usable here and, if not, why, without throwing.
 */
public interface BackendProvider {

    /** The name users type: "reference", "cpu", "opencl". */
    String name();

    /** Whether this backend can run here; {@link Availability#reason()} says why not. */
    Availability probe();

    /** Creates the backend. {@code device} selects a device by index or name where that applies (may be null). */
    Backend create(BackendOptions options);

    /** The result of a probe. */
    record Availability(boolean available, String reason) {
        public static Availability yes(String what) { return new Availability(true, what); }
        public static Availability no(String why) { return new Availability(false, why); }
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
