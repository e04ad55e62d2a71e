package org.marquee.app.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.marquee.app.metrics.MetricsReport;
import org.marquee.app.report.TrainingCharts;
import org.marquee.dataset.PosterDataset;
import org.marquee.engine.checkpoint.NamedArray;
import org.marquee.engine.checkpoint.RunSettings;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.engine.fit.EpochRecord;
import org.marquee.engine.fit.Fit;
import org.marquee.engine.fit.FitListener;
import org.marquee.engine.fit.FitOptions;
import org.marquee.engine.fit.FitResult;
import org.marquee.engine.fit.PositiveWeights;
import org.marquee.engine.fit.TrainingLog;
import org.marquee.engine.fit.Validator;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Sequential;

/**
 * The poster model's configuration of {@link Fit}'s training loop: where a step's gradient is
 * computed ({@link TrainingCompute}: posters read, augmented by {@link Augmenter} and normalized
 * by {@link InputNormalization} on a background thread, or shards on a Spark cluster), what
 * validation measures (the loss and the multi-label metrics of {@link MetricsReport}, with the
 * decision rule's micro-F1 when {@link Selection#MICRO_F1} picks the best epoch), what the
 * checkpoints record beside the weights (the genres, the run's settings, the training posters' ids
 * and the normalization's statistics), and what the console, {@code progress.json} and the charts
 * show. Everything else (the order, dropout, the schedule, Adam, the weight average, selection,
 * early stopping, divergence, {@code best.ckpt} before {@code last.ckpt}, {@code epochs.csv}) is the
 * loop's, described there.
 */
public final class Trainer {
    /** The validation metrics {@code epochs.csv} records, in order. */
    public static final List<String> COLUMNS = List.of(Validator.LOSS, "val_accuracy", "val_hamming", "val_one_error", "val_coverage",
            "val_micro_f1", "val_macro_f1", "val_mean_auc", "val_map");
    /** The decision rule's micro-F1 on the validation split: what {@link Selection#MICRO_F1} selects by. */
    public static final String RULE_MICRO_F1 = "rule_micro_f1";

    private final Sequential model;
    private final Adam adam;
    private final TrainOptions options;
    private final PosterDataset train;
    private final PosterDataset validation;
    private final ProgressLine progress;
    private final PrintStream out;
    private Fit.CheckpointWriter writer;   // null: the checkpoint file format's own writer
    private RunSettings run = RunSettings.NONE;
    private List<NamedArray> extras = List.of();
    private double[] resumedAverage;   // the EMA a resumed checkpoint holds, or null
    private InputNormalization normalization;   // null: none
    private PositiveWeights positives;          // null: the plain loss
    private TrainingCompute.Factory computeFactory = TrainingCompute.LOCAL;
    private StepListener listener;              // null: none

    /** Told of every training step, e.g. to show the run's progress on a page ({@link ProgressFile}). */
    @FunctionalInterface
    public interface StepListener {
        /** {@code step} of the epoch's {@code steps} (1-based) is done; the loss is the epoch's running mean. */
        void step(int epoch, int epochs, int step, int steps, double runningLoss, double learningRate);
    }

    public Trainer(Sequential model, Adam adam, TrainOptions options, PosterDataset train, PosterDataset validation,
                   ProgressLine progress, PrintStream out) {
        if (train.size() < 1) throw new IllegalArgumentException("the training set is empty");
        if (validation.size() < 1) throw new IllegalArgumentException("the validation set is empty");
        this.model = model;
        this.adam = adam;
        this.options = options;
        this.train = train;
        this.validation = validation;
        this.progress = progress;
        this.out = out;
    }

    /** Records {@code run} and {@code extras} in every checkpoint this trainer writes. */
    public Trainer recording(RunSettings run, List<NamedArray> extras) {
        this.run = run;
        this.extras = List.copyOf(extras);
        return this;
    }

    /**
     * With {@code --ema}: continue from the average a checkpoint holds (its {@value Fit#EMA}
     * array) instead of starting one at the current weights; null starts a new one.
     */
    public Trainer averagingFrom(double[] average) {
        this.resumedAverage = average == null ? null : average.clone();
        return this;
    }

    /** Normalizes every training poster (after augmentation) and every validation poster with {@code n} (null: none). */
    public Trainer normalizing(InputNormalization n) {
        this.normalization = n;
        return this;
    }

    /** Trains on the loss that weighs each genre's positive examples by {@code w} (null: the plain loss). */
    public Trainer weighingPositives(PositiveWeights w) {
        this.positives = w;
        return this;
    }

    /** Runs the steps and the validation on {@code factory}'s compute instead of the model's own backend. */
    public Trainer computingWith(TrainingCompute.Factory factory) {
        this.computeFactory = factory;
        return this;
    }

    /** Tells {@code l} of every step (null: nobody). */
    public Trainer observing(StepListener l) {
        this.listener = l;
        return this;
    }

    /** Writes checkpoints through {@code w} (for tests that stop the run part way through saving). */
    Trainer withWriter(Fit.CheckpointWriter w) {
        this.writer = w;
        return this;
    }

    /**
     * Trains from {@code state} (a new run's initial state, or a checkpoint's, whose epochs
     * {@code log} holds) up to {@code options.epochs()} or an early stop, adding each epoch to
     * {@code log}, and returns the final state.
     */
    public TrainingState run(TrainingState state, EpochLog log) throws IOException {
        Files.createDirectories(options.output());
        int batch = Math.min(options.batchSize(), train.size());
        try (TrainingCompute compute = computeFactory.open(model, train, batch, options.augmentation(), options.seed(), normalization, positives)) {
            List<NamedArray> recorded = new ArrayList<>(extras);
            if (normalization != null) recorded.addAll(normalization.toArrays());
            var recording = new Fit.Recording(ModelState.ARCHITECTURE, train.genres().names(), run, recorded);
            var session = new Fit.Session(model, adam, compute, train.size(), new Validation(compute), recording, writer);
            var start = new Fit.Start(state, TrainingLog.parse(state.log(), COLUMNS, options.epochs()), resumedAverage);
            try {
                FitResult result = Fit.train(session, options.toFit(new Console(log, batch)), start);
                return result.state();
            } catch (ChartsNotWritten e) {
                throw e.getCause();
            }
        }
    }

    /** The validation split's loss and metrics, computed where the training runs. */
    private final class Validation implements Validator {
        private final TrainingCompute compute;

        Validation(TrainingCompute compute) {
            this.compute = compute;
        }

        @Override
        public Map<String, Double> validate(Sequential m) {
            Predictions val = compute.predict(validation);
            Map<String, Double> scores = new LinkedHashMap<>();
            scores.put(Validator.LOSS, val.loss());
            if (!Double.isFinite(val.loss())) return scores;   // the loop stops the run: no metrics of a diverged model
            MetricsReport r = val.metrics(validation.genres().names());
            scores.put("val_accuracy", r.accuracy());
            scores.put("val_hamming", r.hammingLoss());
            scores.put("val_one_error", r.oneError());
            scores.put("val_coverage", r.coverage());
            scores.put("val_micro_f1", r.microF1());
            scores.put("val_macro_f1", r.macroF1());
            scores.put("val_mean_auc", r.meanAuc());
            scores.put("val_map", r.meanAveragePrecision());
            if (options.selection() == Selection.MICRO_F1) scores.put(RULE_MICRO_F1, Selection.MICRO_F1.score(val, r));
            return scores;
        }

        @Override
        public List<String> columns() { return COLUMNS; }
    }

    /** The charts could not be written: carries the IOException through the loop's listener call. */
    private static final class ChartsNotWritten extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        ChartsNotWritten(IOException cause) {
            super(cause);
        }
    }

    /** The console's progress bar and epoch lines, {@code progress.json}'s steps and the charts after each epoch. */
    private final class Console implements FitListener {
        private final EpochLog log;
        private final int batch;

        Console(EpochLog log, int batch) {
            this.log = log;
            this.batch = batch;
        }

        @Override
        public void epochStarted(int epoch, int epochs, int steps, int batchSize) {
            progress.begin(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs), steps);
        }

        @Override
        public void stepEnded(int epoch, int step, int steps, double runningLoss, double learningRate) {
            progress.update(step, (long) step * batch, runningLoss);
            if (listener != null) listener.step(epoch, options.epochs(), step, steps, runningLoss, learningRate);
        }

        @Override
        public void trainingStepsEnded(int epoch) {
            progress.end();
        }

        @Override
        public void stoppedEarly(String reason) {
            out.println(reason);
        }

        @Override
        public void epochEnded(EpochRecord e) {
            EpochResult r = new EpochResult(e.epoch(), e.trainLoss(), e.validationLoss(), e.score("val_accuracy"), e.score("val_hamming"),
                    e.score("val_one_error"), e.score("val_coverage"), e.score("val_micro_f1"), e.score("val_macro_f1"),
                    e.score("val_mean_auc"), e.score("val_map"), e.seconds(), e.examplesPerSecond());
            log.add(r);
            out.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f  val loss %.4f  micro-F1 %.4f  macro-F1 %.4f  one-error %.4f"
                            + "  mAP %.4f%s  %.1f s (%.1f img/s)%s%n", e.epoch(), e.epochs(), r.trainLoss(), r.valLoss(), r.valMicroF1(),
                    r.valMacroF1(), r.valOneError(), r.valMap(),
                    options.selection() == Selection.MICRO_F1 ? String.format(Locale.ROOT, "  rule micro-F1 %.4f", e.score()) : "",
                    r.seconds(), r.imagesPerSecond(), e.best() ? "  * best" : "");
            try {
                TrainingCharts.write(log.rows(), options.output());
            } catch (IOException ex) {
                throw new ChartsNotWritten(ex);
            }
        }
    }
}
