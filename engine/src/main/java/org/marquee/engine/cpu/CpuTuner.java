package org.marquee.engine.cpu;

import java.io.IOException;
import org.marquee.engine.io.AtomicFiles;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.CRC32;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.ConvPlan;
import org.marquee.engine.Tensor;

/**
 * Chooses a {@link CpuTuning} for this machine by measuring, and keeps it in a small cache file.
 *
 * <p>The search starts from {@link CpuTuning#forProcessor} and walks the schedule choices one at
 * a time (coordinate descent): for each, every candidate value runs the work that choice affects
 * (the poster model's conv2 and conv3 at a small batch, forward with pooling and backward; the
 * dense layer's three GEMMs; max pooling and the dropout mask), timed as the median of a few
 * repetitions, and a candidate replaces the current value only when it is at least
 * {@value #MIN_GAIN_PERCENT}% faster, so the machine's noise does not move the choice. The search
 * stops at its time budget with the best found so far. The arithmetic choices (kc, dotProducts)
 * are never searched: every tuning gives the same bits (see {@link CpuTuning}).
 *
 * <p>The cache file holds the processor's {@link ProcessorInfo#key()}, the tuning and a CRC32 of
 * both; it is written to a temporary file and renamed into place. A file that is corrupt, written
 * for another processor, core count, JDK or vector width, or unreadable is ignored (and reported
 * to the progress callback), and the machine is tuned again.
 */
public final class CpuTuner {
    /** The smallest gain, in percent of the current choice's time, that changes a choice. */
    public static final int MIN_GAIN_PERCENT = 3;
    /** The cache file's format version. */
    static final int FORMAT = 1;
    /** The search's default time budget. */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(30);

    private CpuTuner() {}

    /**
     * One tuning and where it came from.
     *
     * @param tuning the choices
     * @param cpu    the machine they are for; null for the built-in baseline, which is for none
     * @param source where they came from, in words
     */
    public record Outcome(CpuTuning tuning, ProcessorInfo cpu, String source) {}

    /**
     * The tuning cached for {@code cpu} in {@code cacheDir}; where there is none (or it is corrupt or
     * foreign), a measured search of at most {@code budget} on {@code threads} workers (0 = all
     * processors), written to the cache. Progress lines go to {@code progress}. When the cache
     * cannot be written the tuning is still returned, and the reason reported.
     *
     * @param cacheDir the cache's folder
     * @param cpu      the machine measured
     * @param threads  worker threads, 0 = all processors
     * @param budget   the longest a measurement may take
     * @param progress receives one line per step of the search
     * @return the tuning and where it came from
     */
    public static Outcome cachedOrTuned(Path cacheDir, ProcessorInfo cpu, int threads, Duration budget, Consumer<String> progress) {
        Path file = cacheFile(cacheDir, cpu);
        String why = "no tuning cached for this machine";
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            try {
                return new Outcome(read(file, cpu), cpu, "cached in " + file);
            } catch (IOException | IllegalArgumentException e) {
                why = file + " is not usable (" + e.getMessage() + ")";
            }
        }
        progress.accept(why + "; measuring the cpu backend's choices for " + cpu.key()
                + " (at most " + budget.toSeconds() + " s, once)");
        CpuTuning tuned = tune(cpu, threads, budget, progress);
        try {
            write(file, cpu, tuned);
            return new Outcome(tuned, cpu, "measured now, cached in " + file);
        } catch (IOException e) {
            progress.accept("could not cache the tuning in " + file + ": " + e.getMessage() + " (it is used for this run only)");
            return new Outcome(tuned, cpu, "measured now, not cached");
        }
    }

    /**
     * The cache file for {@code cpu} in {@code dir}: one per processor key, named by the key's hash.
     *
     * @param dir the cache's folder
     * @param cpu the machine
     * @return the file's path
     */
    public static Path cacheFile(Path dir, ProcessorInfo cpu) {
        CRC32 crc = new CRC32();
        crc.update(cpu.key().getBytes(StandardCharsets.UTF_8));
        return dir.resolve(String.format(Locale.ROOT, "cpu-tuning-%08x.properties", crc.getValue()));
    }

    // ------------------------------------------------------------------ cache file

    /** The file's text: comment, format, key, the choices, then the CRC32 of the lines before it. */
    static String format(ProcessorInfo cpu, CpuTuning t) {
        StringBuilder s = new StringBuilder();
        s.append("# Marquee cpu backend tuning (CpuTuner); delete this file or run `marquee tune` to measure again\n");
        s.append("format=").append(FORMAT).append('\n');
        s.append("key=").append(cpu.key().replace('\n', ' ')).append('\n');
        t.asMap().forEach((k, v) -> s.append(k).append('=').append(v).append('\n'));
        CRC32 crc = new CRC32();
        crc.update(s.toString().getBytes(StandardCharsets.UTF_8));
        s.append("crc32=").append(String.format(Locale.ROOT, "%08x", crc.getValue())).append('\n');
        return s.toString();
    }

    /** Writes the cache file through a temporary file renamed into place; never over something that is not a regular file. */
    static void write(Path file, ProcessorInfo cpu, CpuTuning t) throws IOException {
        AtomicFiles.writeString(file, format(cpu, t));
    }

    /** The largest cache file read: a few hundred bytes are expected. */
    private static final long MAX_FILE_BYTES = 64 * 1024;

    /**
     * The tuning in {@code file}, checked against its CRC32 and {@code cpu}'s key.
     *
     * @throws IOException              when it cannot be read or is not a regular file
     * @throws IllegalArgumentException when it is corrupt, of another format, or for another machine
     */
    static CpuTuning read(Path file, ProcessorInfo cpu) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw new IOException("not a regular file");
        if (Files.size(file) > MAX_FILE_BYTES) throw new IllegalArgumentException("larger than " + MAX_FILE_BYTES + " bytes");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int at = text.lastIndexOf("crc32=");
        if (at < 0) throw new IllegalArgumentException("no crc32 line");
        CRC32 crc = new CRC32();
        crc.update(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
        String stored = text.substring(at + "crc32=".length()).trim();
        if (!stored.equals(String.format(Locale.ROOT, "%08x", crc.getValue()))) throw new IllegalArgumentException("checksum mismatch");
        Properties p = new Properties();
        p.load(new StringReader(text.substring(0, at)));
        if (!Integer.toString(FORMAT).equals(p.getProperty("format"))) {
            throw new IllegalArgumentException("format " + p.getProperty("format") + ", expected " + FORMAT);
        }
        String key = p.getProperty("key", "");
        if (!key.equals(cpu.key())) throw new IllegalArgumentException("measured on another machine or JDK: " + key);
        for (String name : CpuTuning.baseline().asMap().keySet()) {
            if (p.getProperty(name) == null) throw new IllegalArgumentException("no value for " + name);
        }
        return CpuTuning.fromProperties(p, "", CpuTuning.baseline());
    }

    // ------------------------------------------------------------------ search

    /** One schedule choice: its name, its candidate values, and the work whose time it changes. */
    private record Choice(String name, List<Function<CpuTuning, CpuTuning>> candidates, List<String> labels, Workload work) {}

    private interface Workload {
        void run(CpuBackend b, Fixture f);
    }

    /**
     * The measured search from {@link CpuTuning#forProcessor}, at most {@code budget} long, on
     * {@code threads} workers (0 = all processors).
     *
     * @param cpu      the machine (its caches give the starting point)
     * @param threads  worker threads, 0 = all processors
     * @param budget   the longest the search may take
     * @param progress receives one line per choice
     * @return the best tuning found
     */
    public static CpuTuning tune(ProcessorInfo cpu, int threads, Duration budget, Consumer<String> progress) {
        long deadline = System.nanoTime() + budget.toNanos();
        CpuTuning best = CpuTuning.forProcessor(cpu);
        List<Choice> choices = choices(best);
        try (Fixture f = new Fixture()) {
            // warm the JIT on every kernel once, so the first candidates are not timed cold
            warm(best, threads, f, deadline);
            for (Choice c : choices) {
                if (System.nanoTime() > deadline) {
                    progress.accept("  time budget reached; the remaining choices keep their defaults");
                    break;
                }
                double[] times = new double[c.candidates().size()];
                Arrays.fill(times, Double.NaN);
                CpuTuning current = best;
                int chosen = -1;
                for (int i = 0; i < times.length; i++) {
                    CpuTuning t = c.candidates().get(i).apply(current);
                    if (t.equals(current) && chosen < 0) chosen = i;
                    times[i] = time(t, threads, f, c.work());
                    if (System.nanoTime() > deadline) break;
                }
                if (chosen < 0) {
                    chosen = 0;
                    times[0] = Double.isNaN(times[0]) ? time(c.candidates().get(0).apply(current), threads, f, c.work()) : times[0];
                }
                int pick = chosen;
                for (int i = 0; i < times.length; i++) {
                    if (!Double.isNaN(times[i]) && times[i] < times[pick] * (1 - MIN_GAIN_PERCENT / 100.0)) pick = i;
                }
                best = c.candidates().get(pick).apply(current);
                StringBuilder line = new StringBuilder("  " + c.name() + ":");
                for (int i = 0; i < times.length; i++) {
                    if (Double.isNaN(times[i])) continue;
                    line.append(String.format(Locale.ROOT, " %s %.1f ms%s", c.labels().get(i), times[i], i == pick ? " *" : ""));
                    if (i < times.length - 1) line.append(',');
                }
                progress.accept(line.toString());
            }
        }
        progress.accept("  chosen: " + best);
        return best;
    }

    /** Every tuning the search may try from {@code start} in one step: each choice's candidates, one at a time (for the tests). */
    static List<CpuTuning> singleChanges(CpuTuning start) {
        List<CpuTuning> all = new ArrayList<>();
        for (Choice c : choices(start)) {
            for (Function<CpuTuning, CpuTuning> f : c.candidates()) all.add(f.apply(start));
        }
        return all;
    }

    private static List<Choice> choices(CpuTuning start) {
        List<Choice> c = new ArrayList<>();
        c.add(ints("convRows", new int[] {2, 4, 6, 8}, (t, v) -> t.withConvUnits(v, t.inputGradRows(), t.runsPerThread()), CpuTuner::convForward));
        c.add(ints("inputGradRows", new int[] {4, 8, 16}, (t, v) -> t.withConvUnits(t.convRows(), v, t.runsPerThread()), CpuTuner::convBackward));
        c.add(ints("runsPerThread", new int[] {2, 4, 8, 16}, (t, v) -> t.withConvUnits(t.convRows(), t.inputGradRows(), v), CpuTuner::conv));
        c.add(bools("pairLanes", (t, v) -> t.withPairLanes(v), CpuTuner::lanes));
        c.add(ints("mc", distinct(start.mc(), 96, 192, 384), (t, v) -> t.withBlocks(t.kc(), v, t.nc()), CpuTuner::gemm));
        c.add(ints("nc", distinct(start.nc(), 128, 256, 512), (t, v) -> t.withBlocks(t.kc(), t.mc(), v), CpuTuner::gemm));
        c.add(bools("packAllB", (t, v) -> t.withGemmRoutes(v, t.dotProducts(), t.dynamicSplit()), CpuTuner::gemm));
        c.add(bools("dynamicSplit", (t, v) -> t.withGemmRoutes(t.packAllB(), t.dotProducts(), v), CpuTuner::gemm));
        return c;
    }

    private static int[] distinct(int first, int... rest) {
        return java.util.stream.IntStream.concat(java.util.stream.IntStream.of(first), java.util.stream.IntStream.of(rest)).distinct().sorted().toArray();
    }

    private static Choice ints(String name, int[] values, java.util.function.BiFunction<CpuTuning, Integer, CpuTuning> with, Workload work) {
        List<Function<CpuTuning, CpuTuning>> cs = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int v : values) {
            cs.add(t -> with.apply(t, v));
            labels.add(Integer.toString(v));
        }
        return new Choice(name, cs, labels, work);
    }

    private static Choice bools(String name, java.util.function.BiFunction<CpuTuning, Boolean, CpuTuning> with, Workload work) {
        return new Choice(name, List.of(t -> with.apply(t, false), t -> with.apply(t, true)), List.of("false", "true"), work);
    }

    private static final int REPEATS = 5;

    /** The median of {@link #REPEATS} timings (after one untimed run) of {@code work} on a backend with {@code t}, in ms. */
    private static double time(CpuTuning t, int threads, Fixture f, Workload work) {
        try (CpuBackend b = new CpuBackend(CpuOptions.defaults().withThreads(threads).withTuning(t))) {
            f.load(b);
            work.run(b, f);
            double[] ms = new double[REPEATS];
            for (int r = 0; r < REPEATS; r++) {
                long t0 = System.nanoTime();
                work.run(b, f);
                ms[r] = (System.nanoTime() - t0) / 1e6;
            }
            f.unload();
            Arrays.sort(ms);
            return ms[REPEATS / 2];
        }
    }

    private static void warm(CpuTuning t, int threads, Fixture f, long deadline) {
        try (CpuBackend b = new CpuBackend(CpuOptions.defaults().withThreads(threads).withTuning(t))) {
            f.load(b);
            long until = Math.min(deadline, System.nanoTime() + 3_000_000_000L);
            do {
                conv(b, f);
                gemm(b, f);
                lanes(b, f);
            } while (System.nanoTime() < until);
            f.unload();
        }
    }

    // ------------------------------------------------------------------ the work

    /** The poster model's conv2 and conv3 (batch 1 and 2), and its dense layer (batch 32): the shapes that dominate a step. */
    static final ConvGeometry CONV2 = new ConvGeometry(32, 111, 111, 64, 3, 3, 1, 0);
    static final ConvGeometry CONV3 = new ConvGeometry(64, 54, 54, 128, 3, 3, 1, 0);
    static final int DENSE_IN = 86528, DENSE_OUT = 128, BATCH = 32;

    /** The host data of the work, uploaded into each candidate's backend. */
    static final class Fixture implements AutoCloseable {
        final float[][] host;
        final int[][] shapes;
        final Tensor[] t;
        CpuBackend backend;
        ConvPlan plan2, plan3;

        Fixture() {
            int n2 = 1, n3 = 2;
            shapes = new int[][] {
                {n2, CONV2.c(), CONV2.h(), CONV2.w()}, {CONV2.k(), CONV2.patch()}, {CONV2.k()},
                {n2, CONV2.k(), CONV2.oh() / 2, CONV2.ow() / 2},
                {n3, CONV3.c(), CONV3.h(), CONV3.w()}, {CONV3.k(), CONV3.patch()}, {CONV3.k()},
                {n3, CONV3.k(), CONV3.oh() / 2, CONV3.ow() / 2},
                {BATCH, DENSE_IN}, {DENSE_IN, DENSE_OUT}, {BATCH, DENSE_OUT},
            };
            host = new float[shapes.length][];
            SplittableRandom r = new SplittableRandom(17);
            for (int i = 0; i < shapes.length; i++) {
                int size = 1;
                for (int d : shapes[i]) size *= d;
                host[i] = new float[size];
                for (int j = 0; j < size; j++) host[i][j] = (float) r.nextDouble(-1, 1);
            }
            t = new Tensor[shapes.length + 12];
        }

        void load(CpuBackend b) {
            backend = b;
            for (int i = 0; i < shapes.length; i++) {
                t[i] = b.allocate(shapes[i]);
                b.upload(t[i], host[i]);
            }
            int k = shapes.length;
            t[k] = b.allocate(shapes[3]);            // conv2 pooled
            t[k + 1] = b.allocate(shapes[3]);        // conv2 argmax
            t[k + 2] = b.allocate(shapes[1]);        // conv2 dw
            t[k + 3] = b.allocate(shapes[2]);        // conv2 db
            t[k + 4] = b.allocate(shapes[0]);        // conv2 dx
            t[k + 5] = b.allocate(shapes[7]);        // conv3 pooled
            t[k + 6] = b.allocate(shapes[7]);        // conv3 argmax
            t[k + 7] = b.allocate(shapes[5]);        // conv3 dw
            t[k + 8] = b.allocate(shapes[6]);        // conv3 db
            t[k + 9] = b.allocate(shapes[4]);        // conv3 dx
            t[k + 10] = b.allocate(shapes[8]);       // dense dx
            t[k + 11] = b.allocate(shapes[9]);       // dense dw
            plan2 = b.planConv(CONV2);
            plan3 = b.planConv(CONV3);
        }

        void unload() {
            plan2.close();
            plan3.close();
            for (int i = 0; i < t.length; i++) {
                if (t[i] != null) t[i].close();
                t[i] = null;
            }
            backend = null;
        }

        @Override public void close() {
            if (backend != null) unload();
        }
    }

    private static void convForward(CpuBackend b, Fixture f) {
        int k = f.shapes.length;
        b.conv2dMaxPool(f.plan2, f.t[0], f.t[1], f.t[2], 1, f.t[k], f.t[k + 1]);
        b.conv2dMaxPool(f.plan3, f.t[4], f.t[5], f.t[6], 2, f.t[k + 5], f.t[k + 6]);
    }

    private static void convBackward(CpuBackend b, Fixture f) {
        int k = f.shapes.length;
        b.conv2dPooledBackward(f.plan2, f.t[0], f.t[3], f.t[k + 1], f.t[1], 1, f.t[k + 2], f.t[k + 3], f.t[k + 4]);
        b.conv2dPooledBackward(f.plan3, f.t[4], f.t[7], f.t[k + 6], f.t[5], 2, f.t[k + 7], f.t[k + 8], f.t[k + 9]);
    }

    private static void conv(CpuBackend b, Fixture f) {
        convForward(b, f);
        convBackward(b, f);
    }

    private static void gemm(CpuBackend b, Fixture f) {
        int k = f.shapes.length;
        b.gemm(false, false, BATCH, DENSE_OUT, DENSE_IN, 1, f.t[8], f.t[9], 0, f.t[10]);                 // forward
        b.gemm(true, false, DENSE_IN, DENSE_OUT, BATCH, 1, f.t[8], f.t[10], 0, f.t[k + 11]);            // dW = Xᵀ·dY
        b.gemm(false, true, BATCH, DENSE_IN, DENSE_OUT, 1, f.t[10], f.t[9], 0, f.t[k + 10]);            // dX = dY·Wᵀ
    }

    private static void lanes(CpuBackend b, Fixture f) {
        convForward(b, f);
        b.dropoutMask(f.t[f.shapes.length + 10], 7, 1, 0.25);
    }
}
