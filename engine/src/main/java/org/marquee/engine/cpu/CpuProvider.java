package org.marquee.engine.cpu;

import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider;

/** Makes the CPU backend discoverable as "cpu"; it needs the jdk.incubator.vector module. */
public final class CpuProvider implements BackendProvider {
    @Override public String name() { return "cpu"; }

    /** The fastest backend on a CPU. */
    @Override public int priority() { return 100; }

    @Override
    public Availability probe() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return Availability.no("the cpu backend needs the Vector API: run java with --add-modules=jdk.incubator.vector");
        }
        return Availability.yes("float32, Vector API, " + Runtime.getRuntime().availableProcessors() + " processors");
    }

    /** The given thread count, the other {@link CpuOptions} from the {@code marquee.cpu.*} system properties. */
    @Override
    public Backend create(BackendOptions options) {
        return new CpuBackend(CpuOptions.fromSystemProperties().withThreads(options.threads()));
    }
}
