package org.marquee.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.marquee.dataset.DataLocation;
import org.marquee.dataset.MovieGenreCsv;
import org.marquee.dataset.PosterCache;
import org.marquee.dataset.PosterCacheBuilder;
import org.marquee.dataset.PosterImages;
import org.marquee.dataset.PosterSource;
import org.marquee.dataset.Progress;

/**
 * Times building the poster cache of the real data (every kept movie whose poster file exists)
 * at 224x224, then opening it again unchanged. A one-shot measurement, not a JMH benchmark:
 * {@code java --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar
 * org.marquee.bench.DatasetCacheBuild /tmp/posters.cache}
 */
public final class DatasetCacheBuild {
    private DatasetCacheBuild() {}

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "target/posters-224.cache");
        Path data = DataLocation.find().orElseThrow(() -> new IOException("no shared/data found; set MARQUEE_DATA"));
        MovieGenreCsv.Catalogue catalogue = MovieGenreCsv.read(data.resolve(DataLocation.CSV_NAME));
        System.out.print(catalogue.report().summary(3));
        List<PosterSource> sources = PosterSource.of(catalogue.movies(), data.resolve(DataLocation.POSTERS)).stream()
                .filter(s -> Files.isRegularFile(s.file())).toList();
        PosterCacheBuilder builder = new PosterCacheBuilder(new PosterImages(224), catalogue.vocabulary(),
                n -> Progress.start("caching posters", n));
        Files.deleteIfExists(file);
        long t0 = System.nanoTime();
        PosterCacheBuilder.Opened built = builder.openOrBuild(file, sources);
        long t1 = System.nanoTime();
        built.cache().close();
        PosterCacheBuilder.Opened reused = builder.openOrBuild(file, sources);
        long t2 = System.nanoTime();
        try (PosterCache cache = reused.cache()) {
            System.out.printf("built %s in %.1f s (%d threads), %,d bytes; reopened unchanged (built=%b) in %.2f s%n",
                    cache, (t1 - t0) / 1e9, Runtime.getRuntime().availableProcessors(), Files.size(file),
                    reused.built(), (t2 - t1) / 1e9);
        }
    }
}
