package org.marquee.app.cli;

import java.io.PrintStream;
import java.nio.file.Path;
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
                "Posters already there are kept, so an interrupted download resumes; partial files never remain."})
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

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        OptionRanges.check("--limit", limit, 0, Integer.MAX_VALUE);
        OptionRanges.check("--parallel", parallel, 1, 256);
        Path csv = org.marquee.app.data.DataLoader.resolveCsv(data);
        MovieGenreCsv.Catalogue catalogue = MovieGenreCsv.read(csv, CatalogueOptions.defaults());
        List<MovieRecord> movies = catalogue.movies();
        if (limit > 0 && limit < movies.size()) movies = movies.subList(0, limit);
        out.printf("downloading up to %,d posters from %s into %s%n", movies.size(), csv, posters);
        PosterDownloader downloader = new PosterDownloader(DownloadOptions.defaults().withParallelism(parallel),
                total -> Progress.start("downloading", total));
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
        java.nio.file.Files.createDirectories(folder);
        Path file = folder.resolve(FAILURES);
        java.nio.file.Files.write(file, lines, java.nio.charset.StandardCharsets.UTF_8);
        failures.stream().limit(5).forEach(f -> out.printf("  failed: %d %s (%s)%n", f.imdbId(), f.reason().description(), f.detail()));
        if (failures.size() > 5) out.printf("  ... and %,d more%n", failures.size() - 5);
        out.println("failed posters: " + file);
    }

    private static String csv(String s) {
        if (s == null) return "";
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
