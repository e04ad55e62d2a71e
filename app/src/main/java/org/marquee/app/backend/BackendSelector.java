package org.marquee.app.backend;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider;
import org.marquee.engine.BackendProvider.Availability;
import org.marquee.engine.BackendProvider.BackendOptions;

/**
 * Turns a {@link BackendChoice} into a backend from the providers found on the class path.
 * {@code auto} probes every provider and takes a usable one on a GPU or accelerator over one on
 * the host CPU, and among those of the same kind the highest {@link BackendProvider#priority()};
 * it says once which it took and why. An explicit choice that cannot run is an error naming the
 * reason.
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

    /** A provider and what its probe said. */
    private record Probed(BackendProvider provider, Availability availability) {
        boolean usable() { return availability.available(); }
        boolean dedicated() { return usable() && availability.kind().dedicated(); }
        String name() { return provider.name(); }
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
        List<Probed> probed = new ArrayList<>();
        for (BackendProvider p : providers) probed.add(new Probed(p, p.probe()));
        Optional<Probed> best = probed.stream().filter(Probed::usable)
                .min(Comparator.comparing((Probed p) -> !p.dedicated()).thenComparing(p -> -p.provider().priority()));
        if (best.isEmpty()) {
            List<String> why = probed.stream().map(p -> p.name() + ": " + p.availability().reason()).toList();
            throw new IllegalStateException("no usable backend (" + (why.isEmpty() ? "found: none" : String.join("; ", why)) + ")");
        }
        Probed chosen = best.get();
        log.println("auto backend: " + chosen.name() + " (" + why(chosen, probed) + ")");
        return chosen.provider();
    }

    /**
     * Why {@code chosen} won: on a GPU or accelerator, what its probe found; on the CPU, why each
     * other provider that is not a fallback (priority 0) was passed over.
     */
    private static String why(Probed chosen, List<Probed> probed) {
        Availability a = chosen.availability();
        if (chosen.dedicated()) return a.reason() + ", " + a.kind().withArticle();
        List<String> notes = new ArrayList<>();
        for (Probed p : probed) {
            if (p == chosen || p.provider().priority() == 0) continue;
            if (!p.usable()) {
                notes.add(p.name() + " unavailable: " + p.availability().reason());
            } else {
                notes.add(p.name() + " offers only CPU devices here, where " + chosen.name() + " is faster; --backend "
                        + p.name() + " uses it anyway");
            }
        }
        return notes.isEmpty() ? a.reason() + "; no backend on the class path offers a GPU or accelerator" : String.join("; ", notes);
    }

    private Optional<BackendProvider> find(String name) {
        return providers.stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
    }

    private String names() {
        return providers.isEmpty() ? "none" : String.join(", ", providers.stream().map(BackendProvider::name).toList());
    }
}
