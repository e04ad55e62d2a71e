package org.marquee.app.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.marquee.dataset.CatalogueOptions;
import org.marquee.dataset.DataLocation;
import org.marquee.dataset.MovieGenreCsv;
import org.marquee.dataset.MovieRecord;
import org.marquee.dataset.PosterCache;
import org.marquee.dataset.PosterCacheBuilder;
import org.marquee.dataset.PosterDataset;
import org.marquee.dataset.PosterImages;
import org.marquee.dataset.PosterSource;
import org.marquee.dataset.Progress;
import org.marquee.dataset.Splits;
import org.marquee.dataset.SyntheticPosters;

/**
 * Opens the posters a command works on: the built-in synthetic posters, or the real catalogue
 * (MovieGenre.csv and a posters folder) through a memory-mapped cache that is built on first use.
 * Both are split 60 / 20 / 20 by a seeded shuffle of their ids.
 */
public final class DataLoader {
    /** Fewest posters that give the 60 / 20 / 20 splits one poster each at least. */
    public static final int MIN_POSTERS = 5;

    private final PrintStream out;

    public DataLoader(PrintStream out) {
        this.out = out;
    }

    /** {@code count} synthetic posters of {@code imageSize} pixels. */
    public LoadedData synthetic(int count, int imageSize, long splitSeed) {
        if (count < MIN_POSTERS) throw new IllegalArgumentException("at least 5 synthetic posters are needed for three splits: " + count);
        SyntheticPosters posters = new SyntheticPosters(count, imageSize, splitSeed);
        return split(posters, String.format(Locale.ROOT, "%,d synthetic posters, %dx%d", count, imageSize, imageSize),
                List.of(), null, splitSeed);
    }

    /**
     * The real data. {@code csvOrFolder} is MovieGenre.csv, a folder holding it, or "auto" (the
     * MARQUEE_DATA folder or the nearest shared/data above the working directory).
     */
    public LoadedData real(String csvOrFolder, Path posters, int limit, int imageSize, Path cacheFile, long splitSeed)
            throws IOException {
        return real(csvOrFolder, posters, limit, imageSize, cacheFile, splitSeed, false);
    }

    /** As above; with {@code genresFromData} the labels are the data's genres instead of the 27 known ones. */
    public LoadedData real(String csvOrFolder, Path posters, int limit, int imageSize, Path cacheFile, long splitSeed,
                           boolean genresFromData) throws IOException {
        Path csv = resolveCsv(csvOrFolder);
        Path posterDir = posters != null ? posters : csv.toAbsolutePath().getParent().resolve(DataLocation.POSTERS);
        if (!Files.isDirectory(posterDir)) {
            throw new IllegalArgumentException("posters folder " + posterDir + " does not exist (set it with --posters,"
                    + " or fetch the posters with the download command)");
        }
        MovieGenreCsv.Catalogue catalogue = MovieGenreCsv.read(csv, CatalogueOptions.defaults().withGenresFromData(genresFromData));
        out.println("catalogue: " + catalogue.report().summary(3));
        List<MovieRecord> movies = catalogue.movies();
        if (limit > 0 && limit < movies.size()) movies = movies.subList(0, limit);
        if (movies.size() < MIN_POSTERS) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%,d usable movies in %s (%,d rows read, %,d kept%s); at least %d"
                    + " are needed for the train, validation and test splits", movies.size(), csv, catalogue.report().rowsRead(),
                    catalogue.report().rowsKept(), limit > 0 ? ", --limit " + limit : "", MIN_POSTERS));
        }
        List<PosterSource> sources = PosterSource.of(movies, posterDir);
        long present = sources.stream().filter(s -> org.marquee.engine.io.FileKind.of(s.file())
                == org.marquee.engine.io.FileKind.REGULAR).count();
        if (present < MIN_POSTERS) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%,d of %,d posters found in %s; at least %d are needed"
                    + " for the train, validation and test splits (fetch them with the download command, or give the folder"
                    + " with --posters)", present, sources.size(), posterDir, MIN_POSTERS));
        }
        Path cache = cacheFile != null ? cacheFile
                : Path.of("runs", "cache", String.format(Locale.ROOT, "posters-%d%s.cache", imageSize, limit > 0 ? "-" + limit : ""));
        Files.createDirectories(cache.toAbsolutePath().getParent());
        PosterCacheBuilder builder = new PosterCacheBuilder(new PosterImages(imageSize), catalogue.vocabulary(),
                total -> Progress.start("caching posters", total));
        PosterCacheBuilder.Opened opened = builder.openOrBuild(cache, sources);
        PosterCache posterCache = opened.cache();
        if (posterCache.size() < MIN_POSTERS) {
            posterCache.close();
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%,d of %,d posters in %s could be decoded (%,d left out,"
                    + " listed in %s); at least %d are needed for the train, validation and test splits", posterCache.size(),
                    sources.size(), posterDir, posterCache.failures().size(), cache, MIN_POSTERS));
        }
        out.printf(Locale.ROOT, "poster cache %s: %s (%s); %,d posters, %,d left out%n", cache,
                opened.built() ? "built" : "reused", opened.why(), posterCache.size(), posterCache.failures().size());
        return split(posterCache, String.format(Locale.ROOT, "%,d posters from %s, %dx%d", posterCache.size(), csv, imageSize, imageSize),
                movies, posterCache, splitSeed);
    }

    /**
     * The catalogue alone, without a poster: the movies of MovieGenre.csv ({@code csvOrFolder} as
     * for {@link #real}), the first {@code limit} when above 0, after printing its {@code catalogue:}
     * summary; what {@code summary --data} needs for its genre and year statistics.
     */
    public MovieGenreCsv.Catalogue catalogue(String csvOrFolder, int limit, boolean genresFromData) throws IOException {
        Path csv = resolveCsv(csvOrFolder);
        MovieGenreCsv.Catalogue catalogue = MovieGenreCsv.read(csv, CatalogueOptions.defaults().withGenresFromData(genresFromData));
        out.println("catalogue: " + catalogue.report().summary(3));
        if (limit <= 0 || limit >= catalogue.movies().size()) return catalogue;
        return new MovieGenreCsv.Catalogue(catalogue.movies().subList(0, limit), catalogue.report(), catalogue.vocabulary());
    }

    public static Path resolveCsv(String csvOrFolder) {
        Path p;
        if ("auto".equalsIgnoreCase(csvOrFolder)) {
            p = DataLocation.find().orElseThrow(() -> new IllegalArgumentException("no data folder found: set "
                    + DataLocation.ENV + " or run from a folder with shared/data/" + DataLocation.CSV_NAME + " above it"));
        } else {
            p = Path.of(csvOrFolder);
        }
        if (Files.isDirectory(p)) p = p.resolve(DataLocation.CSV_NAME);
        org.marquee.engine.io.FileKind kind = org.marquee.engine.io.FileKind.of(p);
        if (kind == org.marquee.engine.io.FileKind.MISSING) throw new IllegalArgumentException("catalogue " + p + " does not exist");
        if (kind != org.marquee.engine.io.FileKind.REGULAR) {
            throw new IllegalArgumentException("catalogue " + p + " is " + org.marquee.engine.io.FileKind.describe(p) + ", not a CSV file");
        }
        return p;
    }

    private static LoadedData split(PosterDataset all, String description, List<MovieRecord> movies,
                                    java.io.Closeable resource, long seed) {
        long[] ids = new long[all.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = all.id(i);
        Splits s = Splits.of(ids, seed);
        return new LoadedData(all, new Subset(all, s.train()), new Subset(all, s.validation()), new Subset(all, s.test()),
                description, movies, resource);
    }
}
