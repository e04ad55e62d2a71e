package org.marquee.engine.cpu;

import java.nio.file.Path;
import java.util.Properties;
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

    /** The property that turns the measured search off ({@code false}: the cache-size defaults, or a cached tuning). */
    public static final String TUNE_PROPERTY = "marquee.cpu.tune";
    /** The property naming the folder of the tuning cache (default {@code ~/.cache/marquee}). */
    public static final String TUNING_DIR_PROPERTY = "marquee.cpu.tuningDir";

    /**
     * The given thread count; the machine's {@link CpuTuning} (cached, or measured once by
     * {@link CpuTuner} with a progress line on standard error); each option whose
     * {@code marquee.cpu.*} system property is set taken from it.
     */
    @Override
    public Backend create(BackendOptions options) {
        BackendProvider.requireAvailable(this);   // before CpuBackend, whose classes link against the Vector API
        CpuOptions fromProperties = CpuOptions.fromSystemProperties();
        CpuTuning tuning = fromProperties.scalar() ? CpuTuning.baseline() : machineTuning(System.getProperties(), options.threads()).tuning();
        return new CpuBackend(CpuOptions.fromProperties(System.getProperties(), tuning).withThreads(options.threads()));
    }

    /**
     * This machine's tuning as the properties {@code p} ask: the cached one in
     * {@value #TUNING_DIR_PROPERTY} (default {@code ~/.cache/marquee}) or a measured search of
     * {@link CpuTuner#DEFAULT_BUDGET} on {@code threads} workers; with {@value #TUNE_PROPERTY}
     * {@code false}, the cached one or else {@link CpuTuning#forProcessor}.
     *
     * @param p       the properties to read
     * @param threads worker threads to measure with, 0 = all processors
     * @return the tuning and where it came from
     */
    public static CpuTuner.Outcome machineTuning(Properties p, int threads) {
        ProcessorInfo cpu = ProcessorInfo.current();
        Path dir = tuningDir(p);
        if ("false".equalsIgnoreCase(p.getProperty(TUNE_PROPERTY, "").trim())) {
            Path file = CpuTuner.cacheFile(dir, cpu);
            try {
                return new CpuTuner.Outcome(CpuTuner.read(file, cpu), cpu, "cached in " + file);
            } catch (java.io.IOException | IllegalArgumentException e) {
                return new CpuTuner.Outcome(CpuTuning.forProcessor(cpu), cpu, "derived from the cache sizes (-D" + TUNE_PROPERTY + "=false)");
            }
        }
        return CpuTuner.cachedOrTuned(dir, cpu, threads, CpuTuner.DEFAULT_BUDGET, line -> System.err.println("marquee: " + line));
    }

    /**
     * The tuning cache's folder: {@value #TUNING_DIR_PROPERTY}, else {@code user.home}/.cache/marquee.
     *
     * @param p the properties to read
     * @return the folder
     */
    public static Path tuningDir(Properties p) {
        String dir = p.getProperty(TUNING_DIR_PROPERTY);
        if (dir != null && !dir.isBlank()) return Path.of(dir.trim());
        return Path.of(p.getProperty("user.home", "."), ".cache", "marquee");
    }
}
