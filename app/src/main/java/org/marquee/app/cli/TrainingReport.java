package org.marquee.app.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.marquee.app.data.LoadedData;
import org.marquee.app.data.Subset;
import org.marquee.app.metrics.DecisionRule;
import org.marquee.app.metrics.MetricsTable;
import org.marquee.app.report.DatasetCharts;
import org.marquee.app.train.Augmentation;
import org.marquee.app.train.InputNormalization;
import org.marquee.app.train.ModelState;
import org.marquee.app.train.Predictions;
import org.marquee.app.train.RunFolder;
import org.marquee.app.train.TrainingCompute;
import org.marquee.dataset.MovieRecord;
import org.marquee.dataset.PosterDataset;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.nn.Sequential;

/**
 * What {@code train} reports around the training loop: the untrained model on the validation
 * split beside the baselines before, and after it the best checkpoint's decision rule (tuned on
 * validation and stored in {@code best.ckpt}) and its scores on the test split. Predictions are
 * computed where the training runs ({@code compute}), with the run's normalization.
 *
 * @param model         the model
 * @param data          the run's splits
 * @param trainLabels   the training split's labels, for the baselines
 * @param compute       where the model runs: here, or on the cluster
 * @param normalization the run's input normalization, or null
 * @param batchSize     posters per prediction batch
 * @param seed          the run's seed
 * @param output        the run's folder
 * @param out           where the report goes
 */
record TrainingReport(Sequential model, LoadedData data, boolean[][] trainLabels, TrainingCompute.Factory compute,
                      InputNormalization normalization, int batchSize, long seed, Path output, PrintStream out) {
    /** The model's predictions on {@code set}. */
    Predictions predict(PosterDataset set) {
        try (TrainingCompute c = compute.open(model, data.train(), batchSize, Augmentation.none(), seed, normalization, null)) {
            return c.predict(set);
        }
    }

    /** The untrained model on the validation split beside the baselines, and the data set's charts. */
    void untrained() throws IOException {
        boolean[][] valLabels = Subset.labels(data.validation());
        out.println("validation before training:");
        Predictions before = predict(data.validation());
        out.print(MetricsTable.withBaselines("untrained", before.metrics(data.genres()), trainLabels, valLabels, data.genres()));
        datasetCharts(data.movies(), output, out);
    }

    /**
     * Loads the best checkpoint into the model, tunes the {@link DecisionRule} on the validation
     * split with it and stores the rule in {@code best.ckpt}, then reports the model on the test
     * split at 0.5 and with the rule, as {@code evaluate} does by default.
     */
    void test(double ema) throws IOException {
        Path best = output.resolve(RunFolder.BEST);
        Checkpoint c = CheckpointFile.read(best);
        if (ModelState.restoreForInference(c, model, false)) {
            out.println("weights: the moving average of " + best.getFileName() + " (--ema " + ema + ") for the rule and the test set");
        }
        DecisionRule rule = EvaluationReport.tuneRule(predict(data.validation()));
        CheckpointFile.write(rule.storeIn(c), best);
        out.printf(Locale.ROOT, "decision rule tuned on the validation split (%,d posters), stored in %s: %s%n",
                data.validation().size(), best.getFileName(), rule.describe(data.genres()));
        Predictions test = predict(data.test());
        out.printf("test set (%,d posters), best checkpoint %s:%n", data.test().size(), best);
        out.print(new EvaluationReport(test, rule, data.genres(), trainLabels).table());
    }

    /** Draws genres.png, years.png and scores.png of {@code movies} into {@code output}; nothing for synthetic data (no movies). */
    static void datasetCharts(List<MovieRecord> movies, Path output, PrintStream out) throws IOException {
        if (movies.isEmpty()) return;
        var perGenre = new TreeMap<String, Integer>();
        var perYear = new TreeMap<Integer, Integer>();
        movies.forEach(m -> {
            m.genres().forEach(g -> perGenre.merge(g, 1, Integer::sum));
            perYear.merge(m.year(), 1, Integer::sum);
        });
        DatasetCharts.genres(perGenre, output.resolve("genres.png"));
        DatasetCharts.years(perYear, output.resolve("years.png"));
        out.println(DatasetCharts.scores(movies, output.resolve("scores.png")).summary() + " (scores.png)");
    }
}
