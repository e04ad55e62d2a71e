package org.marquee.opencl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jocl.cl_kernel;

/**
 * The GPU family's GEMM: picks a {@link GpuGemmVariant} per shape class and runs it.
 *
 * <p>Candidates are the variants that fit the device: their work-group within
 * CL_DEVICE_MAX_WORK_GROUP_SIZE and the item limits, their slices within CL_DEVICE_LOCAL_MEM_SIZE,
 * and once built within the kernel's own CL_KERNEL_WORK_GROUP_SIZE (registers can lower it) and a
 * multiple of CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE (a warp or wavefront), the last only
 * when some variant meets it.
 *
 * <p>With tuning on, the first GEMM of a shape class ({@link GemmShapeClass}) runs every
 * candidate on that call's A and B into a scratch C (one untimed run, then up to three timed ones,
 * each between two clFinish calls; the best counts), keeps the fastest, and writes the choices to
 * the {@link GemmTuneCache}, which the next backend on the same device, driver and family reads
 * instead of timing again. With tuning off every shape gets the first candidate. Every variant
 * computes the same sums (see gemm_gpu.cl), so the choice changes speed, not results beyond float
 * rounding.
 */
public final class GpuGemm {
    /** Setting: {@code on} (the command line's default) or {@code off} (no timing, no cache: the first candidate everywhere). */
    static final String TUNE_PROPERTY = "marquee.opencl.tune";
    private static final int TIMED_RUNS = 3;
    private static final double ONE_RUN_ABOVE_MS = 500;   // a candidate that slow is timed once

    private final OpenClContext cl;
    private final ClGemm gemm;
    private final OpenClDevices.Limits limits;
    private final GemmTuneCache cache;                  // null when tuning is off
    private final Consumer<String> log;
    private final Map<GemmShapeClass, GpuGemmVariant> choices = new LinkedHashMap<>();
    private final Map<GpuGemmVariant, String> unfit = new LinkedHashMap<>();
    private List<GpuGemmVariant> candidates;            // filtered on first use (building the programs)

    /** One shape to tune for {@code devices --tune}. */
    public record Shape(String label, boolean transA, boolean transB, int m, int n, int k) {
        public Shape {
            if (m <= 0 || n <= 0 || k <= 0) throw new IllegalArgumentException(label + ": sizes must be positive: " + m + "x" + n + "x" + k);
        }
    }

    /** What tuning a shape found: milliseconds per candidate (in order), why others could not run, the winner. */
    public record Tuning(Shape shape, String shapeClass, Map<String, Double> millis, Map<String, String> unfit, String winner) {}

    GpuGemm(OpenClContext cl, ClGemm gemm, boolean tune, Path cacheDirectory, Consumer<String> log) {
        this.cl = cl;
        this.gemm = gemm;
        this.log = log;
        this.limits = OpenClDevices.limits(cl.device());
        if (tune) {
            cache = new GemmTuneCache(cacheDirectory, GemmTuneCache.Key.of(cl.device(), limits, GemmFamily.GPU));
            GemmTuneCache.Loaded loaded = cache.load();
            if (loaded.problem() != null) log.accept(loaded.problem());
            choices.putAll(loaded.choices());
        } else {
            cache = null;
        }
    }

    boolean tuning() { return cache != null; }
    Path cacheFile() { return cache == null ? null : cache.file(); }

    /** The choices so far (from the cache file and this run's tuning). */
    Map<GemmShapeClass, GpuGemmVariant> choices() { return Map.copyOf(choices); }

    /** The variants that can run on this device, best-guess first; builds their programs. */
    List<GpuGemmVariant> candidates() {
        if (candidates != null) return candidates;
        List<GpuGemmVariant> fit = new ArrayList<>(), aligned = new ArrayList<>();
        for (GpuGemmVariant v : GpuGemmVariant.ALL) {
            String why = v.unfit(limits).orElse(null);
            if (why == null) {
                cl_kernel kernel = cl.kernel(v.program(), GpuGemmVariant.kernelName(false, false));
                long max = cl.kernelMaxWorkGroupSize(kernel), multiple = cl.kernelPreferredMultiple(kernel);
                if (v.workGroupSize() > max) why = "work-group of " + v.workGroupSize() + " > this kernel's maximum " + max;
                else {
                    fit.add(v);
                    if (multiple <= 1 || v.workGroupSize() % multiple == 0) aligned.add(v);
                    else unfit.put(v, "work-group of " + v.workGroupSize() + " is not a multiple of " + multiple);
                }
            }
            if (why != null) unfit.put(v, why);
        }
        if (fit.isEmpty()) throw new OpenClException("no GPU GEMM variant fits " + cl.device().name() + ": " + unfit);
        if (aligned.isEmpty()) aligned = fit;          // nothing meets the preferred multiple: take what runs
        for (GpuGemmVariant v : aligned) unfit.remove(v);
        candidates = List.copyOf(aligned);
        return candidates;
    }

    /** The variant for this GEMM: the cached or tuned choice of its shape class, tuning it now if needed. */
    GpuGemmVariant choose(boolean transA, boolean transB, int m, int n, int k, ClStorage a, int aOff, ClStorage b, int bOff) {
        if (cache == null) return candidates().get(0);
        GemmShapeClass shape = GemmShapeClass.of(transA, transB, m, n, k);
        GpuGemmVariant chosen = choices.get(shape);
        if (chosen != null && candidates().contains(chosen)) return chosen;
        Tuning t = time(new Shape(shape.toString(), transA, transB, m, n, k), a, aOff, b, bOff);
        chosen = GpuGemmVariant.named(t.winner()).orElseThrow();
        choices.put(shape, chosen);
        save();
        return chosen;
    }

    /**
     * Times every candidate on each shape (random A and B allocated here), replaces those shape
     * classes' choices with the winners and rewrites the cache file; for {@code devices --tune}.
     */
    List<Tuning> retune(List<Shape> shapes) {
        if (cache == null) throw new IllegalStateException("tuning is off (" + TUNE_PROPERTY + "=off)");
        List<Tuning> results = new ArrayList<>();
        for (Shape s : shapes) {
            ClStorage a = cl.allocate((long) s.m() * s.k()), b = cl.allocate((long) s.k() * s.n());
            try {
                cl.fill(a.memory(), 0, a.capacity(), 0.5f);
                cl.fill(b.memory(), 0, b.capacity(), 0.25f);
                Tuning t = time(s, a, 0, b, 0);
                choices.put(GemmShapeClass.of(s.transA(), s.transB(), s.m(), s.n(), s.k()), GpuGemmVariant.named(t.winner()).orElseThrow());
                results.add(t);
            } finally {
                a.close();
                b.close();
            }
        }
        save();
        return results;
    }

    /** Runs each candidate on A and B into a scratch C; the fastest wins (the first on a tie). */
    private Tuning time(Shape s, ClStorage a, int aOff, ClStorage b, int bOff) {
        Map<String, Double> millis = new LinkedHashMap<>();
        ClStorage c = cl.allocate((long) s.m() * s.n());
        try {
            String best = null;
            double bestMs = Double.POSITIVE_INFINITY;
            for (GpuGemmVariant v : candidates()) {
                cl.finish();
                long t0 = System.nanoTime();
                run(v, s, a, aOff, b, bOff, c);                 // also the first run of a new program
                cl.finish();
                double ms = (System.nanoTime() - t0) / 1e6;
                int runs = ms > ONE_RUN_ABOVE_MS ? 1 : TIMED_RUNS;
                ms = Double.POSITIVE_INFINITY;
                for (int r = 0; r < runs; r++) {
                    long t = System.nanoTime();
                    run(v, s, a, aOff, b, bOff, c);
                    cl.finish();
                    ms = Math.min(ms, (System.nanoTime() - t) / 1e6);
                }
                millis.put(v.name(), ms);
                if (ms < bestMs) {
                    bestMs = ms;
                    best = v.name();
                }
            }
            Map<String, String> skipped = new LinkedHashMap<>();
            unfit.forEach((v, why) -> skipped.put(v.name(), why));
            return new Tuning(s, GemmShapeClass.of(s.transA(), s.transB(), s.m(), s.n(), s.k()).toString(), millis, skipped, best);
        } finally {
            c.close();
        }
    }

    private void run(GpuGemmVariant v, Shape s, ClStorage a, int aOff, ClStorage b, int bOff, ClStorage c) {
        gemm.run(v, 0, s.transA(), s.transB(), s.m(), s.n(), s.k(), 1.0, a, aOff, b, bOff, 0.0, c, 0);
    }

    private void save() {
        try {
            cache.store(choices);
        } catch (IOException | RuntimeException e) {
            log.accept("cannot write the GEMM tuning cache " + cache.file() + " (" + e + "); the choices hold for this run only");
        }
    }

    /** One line for {@code describe()}. */
    String describe() {
        StringBuilder sb = new StringBuilder("gemm gpu family, ");
        if (cache == null) return sb.append("untuned: ").append(candidates().get(0)).toString();
        sb.append("tuned per shape at first use (cache ").append(cache.file()).append(")");
        if (!choices.isEmpty()) {
            List<String> list = new ArrayList<>();
            choices.forEach((shape, v) -> list.add(shape + " " + v));
            sb.append(": ").append(String.join(", ", list));
        }
        return sb.toString();
    }
}
