package org.marquee.app.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.marquee.dataset.CatalogueOptions;
import org.marquee.dataset.DownloadOptions;
import org.marquee.dataset.DownloadReport;
import org.marquee.dataset.MovieGenreCsv;
import org.marquee.dataset.MovieRecord;
import org.marquee.dataset.PosterDownloader;
import org.marquee.dataset.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "download", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fetches the posters named in MovieGenre.csv's Poster column into a folder as <imdbId>.jpg.",
                "Posters already there (and decoding) are kept, so an interrupted download resumes; only posters that decode are kept,",
                "partial files of interrupted runs are removed, and a failure of one poster is listed without stopping the others."})
public final class DownloadCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "CSV|DIR|auto", required = true,
            description = "MovieGenre.csv, its folder, or 'auto' to find shared/data")
    String data;

    @Option(names = "--posters", paramLabel = "DIR", required = true, description = "folder to write the posters to")
    Path posters;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "only the first N movies of the catalogue, 0 = all (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "8", description = "downloads at once (default: ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--deadline", paramLabel = "SECONDS", defaultValue = "120",
            description = "time allowed per poster, all tries together (default: ${DEFAULT-VALUE})")
    double deadline;

    @Option(names = "--min-rate", paramLabel = "BYTES/S", defaultValue = "1024",
            description = "slowest accepted transfer, from 2 s into a poster's body; 0 = no minimum (default: ${DEFAULT-VALUE})")
    long minRate;

    @Option(names = "--max-megapixels", paramLabel = "MP", defaultValue = "50",
            description = "largest accepted poster, as its header declares it, checked before decoding (default: ${DEFAULT-VALUE})")
    double maxMegapixels;

    /** Failures listed one per line after the summary; the rest are only counted. */
    private static final int LISTED_FAILURES = 5;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        OptionRanges.check("--limit", limit, 0, Integer.MAX_VALUE);
        OptionRanges.check("--parallel", parallel, 1, 256);
        if (!(deadline > 0) || deadline > 86_400) throw new IllegalArgumentException("--deadline must be in (0, 86400] seconds, got " + deadline);
        if (minRate < 0) throw new IllegalArgumentException("--min-rate must be >= 0 bytes/s (0 = no minimum), got " + minRate);
        if (!(maxMegapixels > 0) || maxMegapixels > 1_000_000) {
            throw new IllegalArgumentException("--max-megapixels must be in (0, 1000000], got " + maxMegapixels);
        }
        DownloadOptions options = DownloadOptions.defaults().withParallelism(parallel)
                .withDeadline(Duration.ofMillis(Math.round(deadline * 1000)), minRate)
                .withMaxPixels(Math.max(1, Math.round(maxMegapixels * 1e6)));
        Path csv = org.marquee.app.data.DataLoader.resolveCsv(data);
        MovieGenreCsv.Catalogue catalogue = MovieGenreCsv.read(csv, CatalogueOptions.defaults());
        List<MovieRecord> movies = catalogue.movies();
        if (limit > 0 && limit < movies.size()) movies = movies.subList(0, limit);
        out.printf("downloading up to %,d posters from %s into %s%n", movies.size(), csv, posters);
        PosterDownloader downloader = new PosterDownloader(options, total -> Progress.start("downloading", total));
        DownloadReport report = downloader.downloadMovies(movies, posters);
        out.println(report.summary());
        if (report.failedCount() > 0) writeFailures(report.failures(), posters, out);
        return report.failedCount() == 0 ? 0 : 2;
    }

    /** File in the posters folder naming every poster that could not be fetched. */
    static final String FAILURES = "download-failures.csv";

    /** Names the first few failed posters on the console and all of them in {@link #FAILURES}. */
    static void writeFailures(List<DownloadReport.Failed> failures, Path folder, PrintStream out) throws java.io.IOException {
        List<String> lines = new java.util.ArrayList<>();
        lines.add("imdbId,reason,url,detail");
        for (DownloadReport.Failed f : failures) {
            lines.add(f.imdbId() + "," + f.reason().name() + "," + csv(f.url()) + "," + csv(f.detail()));
        }
        Path file = folder.resolve(FAILURES);
        org.marquee.engine.io.AtomicFiles.writeLines(file, lines);
        failures.stream().limit(LISTED_FAILURES)
                .forEach(f -> out.printf("  failed: %d %s (%s) %s%n", f.imdbId(), f.reason().description(), f.detail(), f.url()));
        if (failures.size() > LISTED_FAILURES) out.printf("  ... and %,d more%n", failures.size() - LISTED_FAILURES);
        out.println("failed posters: " + file);
    }

    private static String csv(String s) {
        if (s == null) return "";
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
