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
 * it says which it took and why, and why it passed over each of the others. An explicit choice
 * that cannot run is an error naming the reason.
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

    /**
     * The provider {@code choice} resolves to. When the choice was automatic it prints which it took
     * and why, then one line per provider it passed over with the reason.
     */
    public BackendProvider choose(BackendChoice choice) {
        if (choice != BackendChoice.AUTO) {
            BackendProvider p = find(choice.providerName()).orElseThrow(() -> new IllegalStateException(
                    "backend '" + choice.providerName() + "' is not on the class path (found: " + names() + ")"));
            BackendProvider.requireAvailable(p);
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
        Availability a = chosen.availability();
        log.println("auto backend: " + chosen.name() + " (" + (chosen.dedicated() ? a.reason() + ", " + a.kind().withArticle()
                : a.reason() + "; no usable backend here offers a GPU or accelerator") + ")");
        for (Probed p : probed) {
            if (p != chosen) log.println("  passed over " + p.name() + ": " + passedOver(p, chosen));
        }
        return chosen.provider();
    }

    /** Why automatic selection did not take {@code p}, which lost to {@code chosen}. */
    private static String passedOver(Probed p, Probed chosen) {
        Availability a = p.availability();
        if (!p.usable()) return "unavailable (" + a.reason() + ")";
        String anyway = "; --backend " + p.name() + " uses it anyway";
        if (p.provider().priority() == 0) {
            return "a fallback (" + a.reason() + "), taken only when nothing else is usable" + anyway;
        }
        if (chosen.dedicated() && !p.dedicated()) {
            return "runs on the host CPU (" + a.reason() + "), and " + chosen.name() + " runs on "
                    + chosen.availability().kind().withArticle() + anyway;
        }
        if (!p.dedicated() && a.kind() == chosen.availability().kind()) {
            return "offers only CPU devices here (" + a.reason() + "), where " + chosen.name() + " is faster" + anyway;
        }
        return "usable (" + a.reason() + ", " + a.kind().withArticle() + ") but " + chosen.name() + " ranks higher" + anyway;
    }

    private Optional<BackendProvider> find(String name) {
        return providers.stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
    }

    private String names() {
        return providers.isEmpty() ? "none" : String.join(", ", providers.stream().map(BackendProvider::name).toList());
    }
}
