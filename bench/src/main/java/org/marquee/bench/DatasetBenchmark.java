package org.marquee.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.marquee.dataset.DataLocation;
import org.marquee.dataset.MovieGenreCsv;
import org.marquee.dataset.PosterCache;
import org.marquee.dataset.PosterCacheBuilder;
import org.marquee.dataset.PosterImages;
import org.marquee.dataset.PosterSource;
import org.marquee.dataset.Progress;
import org.marquee.dataset.SyntheticPosters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Batches per second of training input: random batches from the memory-mapped poster cache
 * (bytes to floats in [0, 1] plus labels), and, for comparison, synthetic posters drawn on the fly.
 * The cache is the file named by -Dmarquee.bench.cache when given (e.g. the full 9,184-poster
 * cache); otherwise {@code posters} real posters (or synthetic ones written as JPEG when no real
 * data is found) are cached into a temporary folder during setup. One thread, 224x224.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DatasetBenchmark {
    static final int SIZE = 224;

    @Param({"32"})
    public int batch;

    /** Posters cached during setup when no cache file is named. */
    @Param({"1024"})
    public int posters;

    private Path tmp;
    private PosterCache cache;
    private SyntheticPosters synthetic;
    private int[][] batches;
    private int next;
    private float[] pixels;
    private float[] labels;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String named = System.getProperty("marquee.bench.cache");
        if (named != null) {
            cache = PosterCache.open(Path.of(named));
        } else {
            tmp = Files.createTempDirectory("marquee-bench-cache");
            cache = buildCache(tmp, posters);
        }
        synthetic = new SyntheticPosters(100_000, SIZE, 1);
        SplittableRandom rng = new SplittableRandom(7);
        batches = new int[256][batch];
        for (int[] b : batches) {
            for (int i = 0; i < batch; i++) {
                b[i] = rng.nextInt(cache.size());
            }
        }
        pixels = new float[batch * cache.pixelsPerImage()]; // (N, 3, 224, 224)
        labels = new float[batch * cache.genres().size()]; // (N, G)
        System.out.println("\n" + cache);
    }

    /** A cache of the first n real posters, or of n synthetic posters saved as JPEG files. */
    static PosterCache buildCache(Path dir, int n) throws IOException {
        PosterImages images = new PosterImages(SIZE);
        var data = DataLocation.find();
        if (data.isPresent()) {
            MovieGenreCsv.Catalogue catalogue = MovieGenreCsv.read(data.get().resolve(DataLocation.CSV_NAME));
            Path posterDir = data.get().resolve(DataLocation.POSTERS);
            List<PosterSource> sources = PosterSource.of(catalogue.movies(), posterDir).stream()
                    .filter(s -> Files.isRegularFile(s.file())).limit(n).toList();
            return new PosterCacheBuilder(images, catalogue.vocabulary(), k -> Progress.start("caching", k))
                    .openOrBuild(dir.resolve("posters.cache"), sources).cache();
        }
        SyntheticPosters synth = new SyntheticPosters(n, SIZE, 3);
        List<PosterSource> sources = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path f = dir.resolve((i + 1) + ".jpg");
            ImageIO.write(PosterImages.toImage(synth.image(i), 0, SIZE), "jpg", f.toFile());
            List<String> genres = new ArrayList<>();
            for (int g : synth.genreIndices(i)) {
                genres.add(SyntheticPosters.GENRES.get(g));
            }
            sources.add(new PosterSource(i + 1, f, genres));
        }
        return new PosterCacheBuilder(images, synth.genres(), k -> Progress.start("caching", k))
                .openOrBuild(dir.resolve("posters.cache"), sources).cache();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        cache.close();
        if (tmp != null) {
            try (Stream<Path> files = Files.walk(tmp)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** One random batch (N, 3, 224, 224) from the memory-mapped cache. */
    @Benchmark
    public float cacheBatch() {
        int[] b = batches[next++ & 255];
        cache.fillBatch(b, pixels, labels);
        return pixels[pixels.length - 1] + labels[0];
    }

    /** One batch of synthetic posters drawn on the fly. */
    @Benchmark
    public float syntheticBatch() {
        int[] b = batches[next++ & 255];
        synthetic.fillBatch(b, pixels, labels);
        return pixels[pixels.length - 1] + labels[0];
    }
}
