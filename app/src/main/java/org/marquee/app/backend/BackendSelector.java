package org.marquee.app.backend;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider;
import org.marquee.engine.BackendProvider.Availability;
import org.marquee.engine.BackendProvider.BackendOptions;

/**
 * Turns a {@link BackendChoice} into a backend from the providers found on the class path.
 * {@code auto} takes OpenCL when its probe says it is available, otherwise the CPU backend, and
 * says once which it took and why; an explicit choice that cannot run is an error naming the reason.
 */
public final class BackendSelector {
    private final List<BackendProvider> providers;
    private final PrintStream log;
    private final BooleanSupplier openClOnlyOnCpu;

    public BackendSelector(List<BackendProvider> providers, PrintStream log) {
        this(providers, log, () -> false);
    }

    /**
     * @param openClOnlyOnCpu whether every OpenCL device is a CPU device; {@code auto} then takes the
     *                        cpu backend, which is faster on a CPU than an OpenCL CPU runtime
     */
    public BackendSelector(List<BackendProvider> providers, PrintStream log, BooleanSupplier openClOnlyOnCpu) {
        this.providers = List.copyOf(providers);
        this.log = log;
        this.openClOnlyOnCpu = openClOnlyOnCpu;
    }

    /** A selector over every {@link BackendProvider} registered with ServiceLoader. */
    public static BackendSelector discover(PrintStream log) {
        return new BackendSelector(BackendProvider.all(), log, OpenClDeviceKinds::onlyCpuDevices);
    }

    public Backend open(BackendChoice choice, BackendOptions options) {
        BackendProvider provider = choose(choice);
        Backend backend = provider.create(options);
        log.println("backend: " + backend.describe());
        return backend;
    }

    /** The provider {@code choice} resolves to, printing the reason when the choice was automatic. */
    public BackendProvider choose(BackendChoice choice) {
        if (choice != BackendChoice.AUTO) {
            BackendProvider p = find(choice.providerName()).orElseThrow(() -> new IllegalStateException(
                    "backend '" + choice.providerName() + "' is not on the class path (found: " + names() + ")"));
            Availability a = p.probe();
            if (!a.available()) {
                throw new IllegalStateException("backend '" + p.name() + "' is not available here: " + a.reason());
            }
            return p;
        }
        Optional<BackendProvider> opencl = find("opencl");
        String why;
        if (opencl.isPresent()) {
            Availability a = opencl.get().probe();
            if (a.available() && !(openClOnlyOnCpu.getAsBoolean() && usable("cpu"))) {
                log.println("auto backend: opencl (" + a.reason() + ")");
                return opencl.get();
            }
            why = a.available()
                    ? "OpenCL offers only CPU devices, where the cpu backend is faster; --backend opencl uses it anyway"
                    : "OpenCL unavailable: " + a.reason();
        } else {
            why = "no OpenCL backend on the class path";
        }
        for (String fallback : List.of("cpu", "reference")) {
            Optional<BackendProvider> p = find(fallback);
            if (p.isPresent() && p.get().probe().available()) {
                log.println("auto backend: " + fallback + " (" + why + ")");
                return p.get();
            }
        }
        throw new IllegalStateException("no usable backend (" + why + "; found: " + names() + ")");
    }

    private boolean usable(String name) {
        return find(name).map(p -> p.probe().available()).orElse(false);
    }

    private Optional<BackendProvider> find(String name) {
        return providers.stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
    }

    private String names() {
        return providers.isEmpty() ? "none" : String.join(", ", providers.stream().map(BackendProvider::name).toList());
    }
}
