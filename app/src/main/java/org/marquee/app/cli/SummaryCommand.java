package org.marquee.app.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.marquee.app.PosterModel;
import org.marquee.app.data.LeftOutReport;
import org.marquee.app.data.LoadedData;
import org.marquee.app.data.Subset;
import org.marquee.app.metrics.Baselines;
import org.marquee.app.report.ScoreDistribution;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "summary", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints the model's layer table and, with --data, the data set's genre statistics.",
                "With --data it also prints the IMDb score's distribution by release year and draws genres.png, years.png"
                        + " and scores.png into the output folder."})
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
        try (LoadedData data = dataOptions.load(imageSize, out)) {
            Files.createDirectories(output);
            LeftOutReport.write(data.leftOut(), output, out);
            TrainCommand.writeDatasetCharts(data, output);
            boolean[][] labels = Subset.labels(data.all());
            double[] prior = Baselines.prior(labels, data.genres().size());
            int[] order = Baselines.topK(prior, prior.length);
            out.printf(Locale.ROOT, "%d genres, %.2f per poster on average:%n", data.genres().size(),
                    java.util.Arrays.stream(labels).mapToInt(r -> { int c = 0; for (boolean b : r) if (b) c++; return c; }).average().orElse(0));
            for (int j : order) out.printf(Locale.ROOT, "  %-12s %6.2f%%%n", data.genres().get(j), 100 * prior[j]);
            out.print(ScoreDistribution.of(data.movies()).table());
            out.println("wrote " + output.resolve("genres.png") + ", " + output.resolve("years.png") + " and " + output.resolve("scores.png"));
        }
        return 0;
    }
}
