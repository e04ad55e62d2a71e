package org.marquee.engine.cpu;

import java.util.function.BooleanSupplier;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider;

/**
 * Makes the CPU backend discoverable as "cpu"; it needs the jdk.incubator.vector module. Without
 * it, {@link #probe()} says so and {@link #create} throws an {@link IllegalStateException} with the
 * same reason instead of a {@link NoClassDefFoundError} from inside the backend.
 */
public final class CpuProvider implements BackendProvider {
    static final String VECTOR_MODULE = "jdk.incubator.vector";

    private final BooleanSupplier vectorModuleLoaded;

    /** The provider ServiceLoader creates: usable when the JVM has loaded the Vector API module. */
    public CpuProvider() {
        this(() -> ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent());
    }

    /** A provider that asks {@code vectorModuleLoaded} whether the Vector API is there (tests pretend it is not). */
    CpuProvider(BooleanSupplier vectorModuleLoaded) {
        this.vectorModuleLoaded = vectorModuleLoaded;
    }

    @Override public String name() { return "cpu"; }

    /** The fastest backend on a CPU. */
    @Override public int priority() { return 100; }

    @Override
    public Availability probe() {
        if (!vectorModuleLoaded.getAsBoolean()) return Availability.no(missingModuleReason());
        return Availability.yes("float32, Vector API, " + Runtime.getRuntime().availableProcessors() + " processors");
    }

    /** Why the cpu backend cannot run without the Vector API module, and how to add it. */
    static String missingModuleReason() {
        return VECTOR_MODULE + " not loaded; run java with --add-modules " + VECTOR_MODULE;
    }

    /** The given thread count, the other {@link CpuOptions} from the {@code marquee.cpu.*} system properties. */
    @Override
    public Backend create(BackendOptions options) {
        BackendProvider.requireAvailable(this);   // before CpuBackend, whose classes link against the Vector API
        return new CpuBackend(CpuOptions.fromSystemProperties().withThreads(options.threads()));
    }
}
