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

    /**
     * The setting that picks where the tuning comes from: {@code true} the cached one in
     * {@value #TUNING_DIR_PROPERTY} or else a measured search, {@code false} the cached one or
     * else {@link CpuTuning#forProcessor}; not set, {@link CpuTuning#baseline()} (nothing measured or read).
     */
    public static final String TUNE_PROPERTY = "marquee.cpu.tune";
    /** The setting naming the folder of the tuning cache (the command line's default: {@code ~/.cache/marquee}). */
    public static final String TUNING_DIR_PROPERTY = "marquee.cpu.tuningDir";

    /**
     * The given thread count; the tuning {@link #machineTuning} finds for the settings
     * ({@link BackendOptions#settings()}: none, the baseline; the command line asks for the cached
     * or measured one, measured once by {@link CpuTuner} with a progress line on standard error);
     * each option whose {@code marquee.cpu.*} setting is given taken from it ({@link CpuOptions#fromProperties}).
     * With no settings this is {@code new CpuBackend(CpuOptions.defaults().withThreads(threads))}.
     */
    @Override
    public Backend create(BackendOptions options) {
        BackendProvider.requireAvailable(this);   // before CpuBackend, whose classes link against the Vector API
        Properties settings = options.settingsAsProperties();
        CpuOptions given = CpuOptions.fromProperties(settings);
        CpuTuning tuning = given.scalar() ? CpuTuning.baseline() : machineTuning(settings, options.threads()).tuning();
        return new CpuBackend(CpuOptions.fromProperties(settings, tuning).withThreads(options.threads()));
    }

    /**
     * This machine's tuning as the settings {@code p} ask: with {@value #TUNE_PROPERTY} not set,
     * {@link CpuTuning#baseline()} (nothing read, nothing measured); {@code false}, the tuning
     * cached in {@value #TUNING_DIR_PROPERTY} (when set) or else {@link CpuTuning#forProcessor};
     * any other value, the cached one or else a measured search of {@link CpuTuner#DEFAULT_BUDGET}
     * on {@code threads} workers, written to that folder (which must then be set).
     *
     * @param p       the settings to read (the command line passes its system properties)
     * @param threads worker threads to measure with, 0 = all processors
     * @return the tuning and where it came from
     * @throws IllegalArgumentException when tuning is asked for without a cache folder
     */
    public static CpuTuner.Outcome machineTuning(Properties p, int threads) {
        String tune = p.getProperty(TUNE_PROPERTY);
        if (tune == null) return new CpuTuner.Outcome(CpuTuning.baseline(), null, "the built-in baseline (" + TUNE_PROPERTY + " not set)");
        ProcessorInfo cpu = ProcessorInfo.current();
        Path dir = tuningDir(p);
        if ("false".equalsIgnoreCase(tune.trim())) {
            if (dir != null) {
                Path file = CpuTuner.cacheFile(dir, cpu);
                try {
                    return new CpuTuner.Outcome(CpuTuner.read(file, cpu), cpu, "cached in " + file);
                } catch (java.io.IOException | IllegalArgumentException e) {
                    // derived below
                }
            }
            return new CpuTuner.Outcome(CpuTuning.forProcessor(cpu), cpu, "derived from the cache sizes (-D" + TUNE_PROPERTY + "=false)");
        }
        if (dir == null) throw new IllegalArgumentException(TUNE_PROPERTY + "=" + tune + " needs " + TUNING_DIR_PROPERTY + ", the tuning cache's folder");
        return CpuTuner.cachedOrTuned(dir, cpu, threads, CpuTuner.DEFAULT_BUDGET, line -> System.err.println("marquee: " + line));
    }

    /**
     * The tuning cache's folder: {@value #TUNING_DIR_PROPERTY}, or null when not set.
     *
     * @param p the settings to read
     * @return the folder, or null
     */
    public static Path tuningDir(Properties p) {
        String dir = p.getProperty(TUNING_DIR_PROPERTY);
        return dir != null && !dir.isBlank() ? Path.of(dir.trim()) : null;
    }

    /**
     * The settings the command line adds where its user set none: tuning on, cached in
     * {@code ~/.cache/marquee} of the given home folder.
     *
     * @param userHome the user's home folder (the command line passes {@code user.home})
     * @return {@value #TUNE_PROPERTY} and {@value #TUNING_DIR_PROPERTY}
     */
    public static java.util.Map<String, String> commandLineDefaults(String userHome) {
        return java.util.Map.of(TUNE_PROPERTY, "true", TUNING_DIR_PROPERTY, Path.of(userHome, ".cache", "marquee").toString());
    }
}
