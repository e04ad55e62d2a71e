package org.marquee.app.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.marquee.app.PosterModel;
import org.marquee.app.metrics.Baselines;
import org.marquee.app.report.ScoreDistribution;
import org.marquee.dataset.MovieGenreCsv;
import org.marquee.dataset.MovieRecord;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "summary", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints the model's layer table and, with --data, the catalogue's genre statistics.",
                "With --data it reads MovieGenre.csv alone (no poster), prints the genre frequencies and the IMDb score's"
                        + " distribution by release year, and draws genres.png, years.png and scores.png into the output folder."})
public final class SummaryCommand implements Callable<Integer> {
    @Mixin DataMixin dataOptions;

    @Option(names = "--image-size", paramLabel = "PX", defaultValue = "224", description = "poster side in pixels (default: ${DEFAULT-VALUE})")
    int imageSize;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "runs/summary",
            description = "folder for the data set charts (default: ${DEFAULT-VALUE})")
    Path output;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        OptionRanges.imageSize("--image-size", imageSize);
        dataOptions.check();
        try (ReferenceBackend backend = new ReferenceBackend();
             Sequential model = PosterModel.build(backend, 0, imageSize, imageSize, PosterModel.GENRES)) {
            out.print(model.summary());
            out.println();
        }
        if (!dataOptions.real()) return 0;
        for (String option : List.of("--posters", "--cache", "--synthetic")) {
            if (dataOptions.given(option)) {
                throw new IllegalArgumentException("summary reads MovieGenre.csv alone, not the posters: leave out " + option);
            }
        }
        MovieGenreCsv.Catalogue catalogue = dataOptions.catalogue(out);
        List<MovieRecord> movies = catalogue.movies();
        List<String> genres = catalogue.vocabulary().names();
        Files.createDirectories(output);
        TrainingReport.datasetCharts(movies, output, out);
        int[] count = new int[genres.size()];
        long labels = 0;
        for (MovieRecord m : movies) {
            for (String g : m.genres()) {
                int j = genres.indexOf(g);
                if (j >= 0) { count[j]++; labels++; }
            }
        }
        double[] share = new double[count.length];
        for (int j = 0; j < count.length; j++) share[j] = movies.isEmpty() ? 0 : (double) count[j] / movies.size();
        out.printf(Locale.ROOT, "%,d movies in the catalogue (posters not read); %d genres, %.2f per movie on average:%n", movies.size(),
                genres.size(), movies.isEmpty() ? 0.0 : (double) labels / movies.size());
        for (int j : Baselines.topK(share, share.length)) out.printf(Locale.ROOT, "  %-12s %6.2f%%%n", genres.get(j), 100 * share[j]);
        out.print(ScoreDistribution.of(movies).table());
        out.println("wrote " + output.resolve("genres.png") + ", " + output.resolve("years.png") + " and " + output.resolve("scores.png"));
        return 0;
    }
}
