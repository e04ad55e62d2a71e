package org.marquee.engine.cpu;

import java.util.Properties;

/**
 * How a {@link CpuBackend} computes: its thread count, which kernels it runs, and the
 * processor-dependent choices of the vector kernels ({@link CpuTuning}). Every backend carries its
 * own options, so backends with different options can run side by side in one JVM (the tests
 * compare them that way). They are serializable: the spark module sends the driver's options to the
 * executors that build replicas of its model.
 *
 * <p>{@link #defaults()} holds {@link CpuTuning#baseline()}; the launcher and the benchmarks put in
 * the machine's measured tuning ({@link CpuTuner#cachedOrTuned}). On the command line each choice
 * can also be set by a system property, which wins over the tuning; the command line passes its
 * properties to {@link #fromProperties} (nothing here reads the system properties itself):
 * <table>
 *   <caption>Options and their system properties</caption>
 *   <tr><th>option</th><th>property</th><th>meaning</th></tr>
 *   <tr><td>threads</td><td>(none: the backend's constructor or provider)</td>
 *       <td>worker threads; 0 = all processors</td></tr>
 *   <tr><td>scalar</td><td>{@code marquee.cpu.scalar}</td>
 *       <td>every kernel as its plain scalar twin ({@link ScalarKernels}), one thread</td></tr>
 *   <tr><td>im2col</td><td>{@code marquee.cpu.im2col}</td>
 *       <td>every convolution through im2col, GEMM and col2im instead of the direct convolution</td></tr>
 *   <tr><td>tuning</td><td>{@code marquee.cpu.kc}, {@code .mc}, {@code .nc}, {@code .packAllB},
 *       {@code .noDot} (inverted dotProducts), {@code .staticSplit} (inverted dynamicSplit),
 *       {@code .pairLanes}, {@code .convRows}, {@code .inputGradRows}, {@code .runsPerThread}</td>
 *       <td>the choices of {@link CpuTuning}, one property each</td></tr>
 * </table>
 * Boolean properties take {@code true} or {@code false}; the sizes, whole numbers in the ranges
 * {@link CpuTuning} accepts.
 *
 * @param threads worker threads, 0 = all processors
 * @param scalar  the scalar twin instead of the vector kernels
 * @param im2col  convolutions through im2col + GEMM instead of the direct convolution
 * @param tuning  the processor-dependent choices of the vector kernels
 * @serial exclude
 */
public record CpuOptions(int threads, boolean scalar, boolean im2col, CpuTuning tuning) implements java.io.Serializable {

    /** The property that selects the scalar twin. */
    public static final String SCALAR_PROPERTY = "marquee.cpu.scalar";
    /** The property that turns off the direct convolution. */
    public static final String IM2COL_PROPERTY = "marquee.cpu.im2col";
    /** The prefix of the tuning's properties ({@code marquee.cpu.kc} and so on). */
    public static final String TUNING_PREFIX = "marquee.cpu.";
    /** The property that turns the pair-lane pooling and dropout on or off. */
    public static final String PAIR_LANES_PROPERTY = TUNING_PREFIX + "pairLanes";
    /** The properties of the GEMM's blocks. */
    public static final String KC_PROPERTY = TUNING_PREFIX + "kc", MC_PROPERTY = TUNING_PREFIX + "mc", NC_PROPERTY = TUNING_PREFIX + "nc";
    /** The property that turns the dot-product GEMM off. */
    public static final String NO_DOT_PROPERTY = "marquee.cpu.noDot";
    /** The property that gives each thread a fixed share of the columns. */
    public static final String STATIC_SPLIT_PROPERTY = "marquee.cpu.staticSplit";

    /** The largest GEMM block size accepted (kc, mc, nc). */
    public static final int MAX_BLOCK = CpuTuning.MAX_BLOCK;

    /**
     * Checks the thread count (0 or more) and that a tuning is given.
     *
     * @param threads worker threads, 0 = all processors
     * @param scalar  the scalar twin instead of the vector kernels
     * @param im2col  convolutions through im2col + GEMM instead of the direct convolution
     * @param tuning  the processor-dependent choices of the vector kernels
     */
    public CpuOptions {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = all processors): " + threads);
        java.util.Objects.requireNonNull(tuning, "tuning");
    }

    /**
     * Whether this JVM's default is the pair-lane pooling and dropout: JDK 25 and later.
     *
     * @return true from JDK 25
     */
    public static boolean defaultPairLanes() { return CpuTuning.defaultPairLanes(); }

    /**
     * All processors, the vector kernels, the direct convolution, {@link CpuTuning#baseline()}.
     *
     * @return the default options
     */
    public static CpuOptions defaults() {
        return new CpuOptions(0, false, false, CpuTuning.baseline());
    }

    /**
     * {@link #fromProperties(Properties, CpuTuning)} over the baseline tuning.
     *
     * @param p the properties to read
     * @return the options {@code p} asks for
     */
    public static CpuOptions fromProperties(Properties p) { return fromProperties(p, CpuTuning.baseline()); }

    /**
     * {@code tuning} and the other defaults, with each option whose property is set in {@code p}
     * taken from it.
     *
     * @param p      the properties to read
     * @param tuning the tuning the tuning properties are laid on
     * @return the options {@code p} asks for
     * @throws IllegalArgumentException for a value that is not {@code true}/{@code false}, or not a
     *         whole number in range, naming the property
     */
    public static CpuOptions fromProperties(Properties p, CpuTuning tuning) {
        CpuTuning read = named(() -> CpuTuning.fromProperties(p, TUNING_PREFIX, tuning));
        CpuTuning t = read.withGemmRoutes(read.packAllB(), !named(() -> CpuTuning.flag(p, NO_DOT_PROPERTY, !read.dotProducts())),
                !named(() -> CpuTuning.flag(p, STATIC_SPLIT_PROPERTY, !read.dynamicSplit())));
        return new CpuOptions(0, named(() -> CpuTuning.flag(p, SCALAR_PROPERTY, false)),
                named(() -> CpuTuning.flag(p, IM2COL_PROPERTY, false)), t);
    }

    /** A property's value error, reported as the -D option the user typed. */
    private static <T> T named(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + e.getMessage(), e);
        }
    }

    /**
     * The pair-lane choice of the tuning.
     *
     * @return whether pooling and dropout run on pair lanes
     */
    public boolean pairLanes() { return tuning.pairLanes(); }

    /**
     * These options with another thread count.
     *
     * @param threads worker threads, 0 = all processors
     * @return the changed options
     */
    public CpuOptions withThreads(int threads) { return new CpuOptions(threads, scalar, im2col, tuning); }

    /**
     * These options with or without the scalar twin.
     *
     * @param scalar the scalar twin instead of the vector kernels
     * @return the changed options
     */
    public CpuOptions withScalar(boolean scalar) { return new CpuOptions(threads, scalar, im2col, tuning); }

    /**
     * These options with or without the im2col convolutions.
     *
     * @param im2col convolutions through im2col + GEMM instead of the direct convolution
     * @return the changed options
     */
    public CpuOptions withIm2col(boolean im2col) { return new CpuOptions(threads, scalar, im2col, tuning); }

    /**
     * These options with another tuning.
     *
     * @param tuning the processor-dependent choices
     * @return the changed options
     */
    public CpuOptions withTuning(CpuTuning tuning) { return new CpuOptions(threads, scalar, im2col, tuning); }

    /**
     * These options with another pair-lane choice.
     *
     * @param pairLanes pooling and dropout on pair lanes
     * @return the changed options
     */
    public CpuOptions withPairLanes(boolean pairLanes) { return withTuning(tuning.withPairLanes(pairLanes)); }

    /**
     * The GEMM's cache blocks: depth kc, rows mc, columns nc.
     *
     * @param kc depth block
     * @param mc row block
     * @param nc column block
     * @return the changed options
     */
    public CpuOptions withBlocks(int kc, int mc, int nc) { return withTuning(tuning.withBlocks(kc, mc, nc)); }

    /**
     * The GEMM's routes: pack every B panel, dot products for A·Bᵀ with few columns, columns on demand.
     *
     * @param packAllB     pack every panel of B
     * @param dotProducts  A·Bᵀ with few columns as dot products
     * @param dynamicSplit column blocks handed out on demand
     * @return the changed options
     */
    public CpuOptions withGemmRoutes(boolean packAllB, boolean dotProducts, boolean dynamicSplit) {
        return withTuning(tuning.withGemmRoutes(packAllB, dotProducts, dynamicSplit));
    }
}
