package org.marquee.app.backend;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
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

    public BackendSelector(List<BackendProvider> providers, PrintStream log) {
        this.providers = List.copyOf(providers);
        this.log = log;
    }

    /** A selector over every {@link BackendProvider} registered with ServiceLoader. */
    public static BackendSelector discover(PrintStream log) {
        return new BackendSelector(BackendProvider.all(), log);
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
            if (a.available()) {
                log.println("auto backend: opencl (" + a.reason() + ")");
                return opencl.get();
            }
            why = "OpenCL unavailable: " + a.reason();
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

    private Optional<BackendProvider> find(String name) {
        return providers.stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
    }

    private String names() {
        return providers.isEmpty() ? "none" : String.join(", ", providers.stream().map(BackendProvider::name).toList());
    }
}
