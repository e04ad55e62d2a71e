package org.marquee.app.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.marquee.app.data.DataLoader;
import org.marquee.app.data.LoadedData;
import picocli.CommandLine.Option;

/** Where the posters come from: synthetic by default, or the real catalogue with --data. */
public final class DataMixin {
    @Option(names = "--data", paramLabel = "CSV|DIR|auto",
            description = "the real data: MovieGenre.csv, its folder, or 'auto' to find shared/data; without it, synthetic posters are used")
    String data;

    @Option(names = "--posters", paramLabel = "DIR", description = "poster images <imdbId>.jpg (default: posters/ beside the CSV)")
    Path posters;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "use only the first N movies of the catalogue, 0 = all (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--synthetic", paramLabel = "N", defaultValue = "1000",
            description = "number of synthetic posters when --data is not given (default: ${DEFAULT-VALUE})")
    int synthetic;

    @Option(names = "--cache", paramLabel = "FILE",
            description = "poster cache file for the real data (default: runs/cache/posters-<size>[-<limit>].cache)")
    Path cache;

    @Option(names = "--split-seed", paramLabel = "SEED", defaultValue = "2017",
            description = "seed of the 60/20/20 train/validation/test split (default: ${DEFAULT-VALUE})")
    long splitSeed;

    @Option(names = "--genres-from-data",
            description = "label the model with every genre found in the catalogue instead of the 27 known ones (rows with"
                    + " another genre are otherwise skipped and listed with their line numbers)")
    boolean genresFromData;

    public boolean real() { return data != null; }

    /** Rejects out-of-range values before any data is read. */
    public void check() {
        OptionRanges.check("--limit", limit, 0, Integer.MAX_VALUE);
        OptionRanges.check("--synthetic", synthetic, 5, 1_000_000);
    }

    public LoadedData load(int imageSize, PrintStream out) throws IOException {
        check();
        DataLoader loader = new DataLoader(out);
        LoadedData d = real()
                ? loader.real(data, posters, limit, imageSize, cache, splitSeed, genresFromData)
                : loader.synthetic(synthetic, imageSize, splitSeed);
        out.printf("data: %s; train %,d, validation %,d, test %,d%n", d.description(), d.train().size(),
                d.validation().size(), d.test().size());
        return d;
    }
}
