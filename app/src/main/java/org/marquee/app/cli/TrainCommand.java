package org.marquee.app.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.marquee.app.PosterModel;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.app.cluster.Cluster;
import org.marquee.app.train.TrainingCompute;
import java.util.List;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.NamedArray;
import org.marquee.engine.checkpoint.RunSettings;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.app.data.LeftOutReport;
import org.marquee.app.data.LoadedData;
import org.marquee.app.data.Subset;
import org.marquee.app.metrics.DecisionRule;
import org.marquee.app.metrics.MetricsTable;
import org.marquee.app.report.DatasetCharts;
import org.marquee.app.report.FirstLayerReport;
import org.marquee.app.train.Augmentation;
import org.marquee.app.train.EpochLog;
import org.marquee.app.train.InputNormalization;
import org.marquee.app.train.LearningRateSchedule;
import org.marquee.app.train.ModelState;
import org.marquee.app.train.OutputBias;
import org.marquee.app.train.PositiveWeights;
import org.marquee.app.train.Predictions;
import org.marquee.app.train.ProgressFile;
import org.marquee.app.train.ProgressLine;
import org.marquee.app.serve.PosterServer;
import org.marquee.app.train.Selection;
import org.marquee.app.train.TrainOptions;
import org.marquee.app.train.Trainer;
import org.marquee.app.train.WeightAverage;
import org.marquee.engine.Backend;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Sequential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains the poster model and writes checkpoints, epochs.csv and PNG reports to the output folder.",
                "Without --data it trains on synthetic posters."})
public final class TrainCommand implements Callable<Integer> {
    @Mixin BackendMixin backendOptions;
    @Mixin DataMixin dataOptions;
    @Mixin SparkMixin sparkOptions;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "4", description = "epochs to train (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "examples per step (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = {"--learning-rate", "--lr"}, paramLabel = "LR", defaultValue = "5e-4",
            description = "Adam learning rate (default: ${DEFAULT-VALUE}; the seed used 1e-4 with batch size 1)")
    double learningRate;

    @Option(names = "--clip-norm", paramLabel = "C", defaultValue = "1.0",
            description = "clip the gradient to this global L2 norm, 0 = off (default: ${DEFAULT-VALUE})")
    double clipNorm;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42",
            description = "seed for initialisation, shuffling and dropout (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "0",
            description = "stop after N epochs without an improvement of the --select metric, 0 = never (default: ${DEFAULT-VALUE})")
    int patience;

    @Option(names = "--image-size", paramLabel = "PX", defaultValue = "224",
            description = "poster side in pixels; 224 is the seed's model, smaller sizes make fast demos (default: ${DEFAULT-VALUE})")
    int imageSize;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "runs/train",
            description = "output folder (default: ${DEFAULT-VALUE})")
    Path output;

    @Option(names = "--resume", description = "continue the run in the output folder from its last.ckpt")
    boolean resume;

    @Option(names = "--overwrite", description = "start a new run in an output folder that holds one, replacing its checkpoints"
            + " (without it, train refuses such a folder)")
    boolean overwrite;

    @Option(names = "--allow-change", paramLabel = "OPTION", split = ",",
            description = "with --resume: options that may differ from those the run was started with, named without"
                    + " their dashes (for example learning-rate,batch-size); any other change is refused. --patience may"
                    + " always change, and --epochs too unless the schedule is cosine")
    java.util.List<String> allowChange = new java.util.ArrayList<>();

    @Option(names = "--flip", description = "mirror each training poster left-right with probability 1/2, drawn from the seed "
            + "and the step (augmentation; validation and test posters are never flipped)")
    boolean flip;

    @Option(names = "--augment", paramLabel = "LIST", defaultValue = "none",
            description = "augment training posters: none, real (crop and flip: what helped on real posters), all, or a list of crop, shift,"
                    + " color, flip; drawn from the seed "
                    + "and the step (default: ${DEFAULT-VALUE})")
    String augment;

    @Option(names = "--schedule", paramLabel = "constant|cosine", defaultValue = "constant",
            description = "learning-rate schedule: constant, or cosine from --lr down to 1%% of it at the last step (default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--warmup-epochs", paramLabel = "N", defaultValue = "0",
            description = "with --schedule cosine: raise the learning rate linearly over the first N epochs (default: ${DEFAULT-VALUE})")
    int warmupEpochs;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0",
            description = "AdamW: shrink the kernels (not biases) by lr x WD each step, 0 = off (default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--bias-init", paramLabel = "zero|log-odds", defaultValue = "zero",
            description = "output biases of a new run: zero, or the log-odds of each genre's training frequency (default: ${DEFAULT-VALUE})")
    String biasInit;

    @Option(names = "--select", paramLabel = "loss|micro-f1|map",
            description = {"validation metric that picks best.ckpt and drives --patience: loss (lowest), micro-f1 (of the decision rule"
                    + " tuned on validation at that epoch, highest) or map (highest) (default: micro-f1; a resumed run that recorded"
                    + " none selects by loss)"})
    String select;

    @Option(names = "--ema", paramLabel = "DECAY", defaultValue = "0",
            description = "keep an exponential moving average of the weights, ema = DECAY ema + (1 - DECAY) w after each step"
                    + " (e.g. 0.999), used for validation, selection, evaluate and predict; 0 = off (default: ${DEFAULT-VALUE})")
    double ema;

    @Option(names = "--normalize", description = "normalize each RGB channel by the mean and standard deviation of the training"
            + " posters (computed when the run starts, stored in the checkpoints, applied wherever the model sees a poster)")
    boolean normalize;

    @Option(names = "--pos-weight", paramLabel = "CAP", defaultValue = "1",
            description = "class-weighted loss: each genre's positive posters count negatives/positives times (on the training split),"
                    + " at least 1 and at most CAP, the loss taken at the logit shifted by log w so probabilities stay calibrated;"
                    + " the loss printed stays the plain one; 1 = off (default: ${DEFAULT-VALUE})")
    double posWeight;

    /** The metric a new run selects by when {@code --select} is not given. */
    @Option(names = "--serve", paramLabel = "PORT", arity = "0..1", fallbackValue = "8080",
            description = "show the run live on a local web page at this port (default 8080; 0 = any free one) while it trains")
    Integer serve;

    static final Selection DEFAULT_SELECTION = Selection.MICRO_F1;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        checkOptions();
        TrainOptions options = new TrainOptions(epochs, batchSize,
                TrainOptions.adam(learningRate, clipNorm).withWeightDecay(weightDecay), seed, patience, output, flip,
                Augmentation.parse(augment), plan()).withSelection(select == null ? DEFAULT_SELECTION : Selection.parse(select)).withEma(ema);
        if (resume && overwrite) throw new IllegalArgumentException("--resume and --overwrite exclude each other: continue the run, or replace it");
        if (!resume && !overwrite) refuseExistingRun(output);
        Files.createDirectories(output);
        Trainer.removeStaleTemporaryFiles(output, out);
        try (Cluster cluster = sparkOptions.connect(out);
             LoadedData data = cluster == null ? dataOptions.load(imageSize, out) : dataOptions.load(cluster, imageSize, out);
             Backend backend = backendOptions.open(out);
             Sequential model = PosterModel.build(backend, seed, imageSize, imageSize, data.genres().size());
             Adam adam = Adam.forModel(model, options.adam())) {
            if (cluster != null) {
                compute = cluster.compute(PosterModel.recipe(seed, imageSize, imageSize, data.genres().size()));
                out.println("cluster: " + cluster.describe());
            }
            LeftOutReport.write(data.leftOut(), output, out);
            out.println("model: " + ModelState.spec(model).headline());
            TrainingState state = TrainingState.initial(seed);
            double[] average = null;
            InputNormalization normalization = null;
            EpochLog log = new EpochLog();
            RunSettings run = runSettings(data, options);
            Checkpoint resumedFrom = null;
            if (resume) {
                Path last = Trainer.resumePoint(output, out);
                Checkpoint c = CheckpointFile.read(last);
                resumedFrom = c;
                Selection recorded = c.run().get(SELECT).map(Selection::parse).orElse(Selection.LOSS);
                if (select == null && recorded != options.selection()) {
                    options = options.withSelection(recorded);   // resume selects as the run did, by loss when it recorded nothing
                    run = runSettings(data, options);
                }
                c = resumable(last, c, data, run, out);
                Trainer.checkBest(output, c, out);
                try {
                    ModelState.restore(c, model, adam);
                } catch (IllegalArgumentException e) {
                    throw new org.marquee.engine.checkpoint.CheckpointException(last, e.getMessage(), e);
                }
                state = c.training();
                log = EpochLog.parse(state.log());
                if (normalize) {
                    normalization = InputNormalization.from(c).orElseThrow(() -> new IllegalArgumentException(last
                            + " records no input normalization; resume without --normalize"));
                }
                if (ema > 0) {
                    average = c.extra(WeightAverage.EMA).map(a -> a.values()).orElse(null);
                    if (average == null) out.println("note: " + last + " holds no moving average of the weights; it starts at its weights");
                }
                out.printf("resuming from %s after epoch %d (step %d)%n", last, state.epoch(), state.step());
                if (recorded != options.selection()) {
                    state = state.withBestScore(options.selection().initial());
                    out.printf("note: the best epoch is now chosen by %s instead of %s; the next epoch replaces %s%n",
                            options.selection().option, recorded.option, Trainer.BEST);
                }
            }
            if (normalize && normalization == null) {
                normalization = cluster == null ? InputNormalization.of(data.train()) : cluster.normalizationOf(data.train());
            }
            this.normalization = normalization;
            boolean[][] trainLabels = Subset.labels(data.train());
            if (!resume && logOddsBias()) OutputBias.initLogOdds(model, trainLabels);
            positives = posWeight > 1 ? PositiveWeights.capped(trainLabels, data.genres().size(), posWeight) : null;
            printRecipe(options, data.genres(), out);
            if (state.epoch() == 0) reportUntrained(model, data, trainLabels, out);
            run = Trainer.withRunId(run, resumedFrom);
            try (PosterServer page = serve == null ? null
                    : new PosterServer(PosterServer.Options.loopback(serve), null, null, output)) {
                if (page != null) {
                    out.println("live page: " + page.address() + " (it stops with the run; 'marquee serve --run " + output
                            + "' shows the run again)");
                }
                new Trainer(model, adam, options, data.train(), data.validation(), ProgressLine.forConsole(), out)
                        .recording(run, List.of(trainIds(data))).averagingFrom(average).normalizing(normalization).weighingPositives(positives)
                        .computingWith(compute).observing(page == null ? null : new ProgressFile(output))
                        .run(state, log);
            }
            reportTest(model, data, trainLabels, out);
            float[] poster = new float[data.test().pixelsPerImage()];
            data.test().fillBatch(new int[] {0}, poster, new float[data.genres().size()]);
            if (normalization != null) normalization.apply(poster);
            FirstLayerReport.write(model, poster, output);
            out.println("wrote " + output.toAbsolutePath() + ": best.ckpt, last.ckpt, epochs.csv, loss.png, f1.png, "
                    + "filters.png, feature-maps.png" + (data.movies().isEmpty() ? "" : ", genres.png, years.png, scores.png"));
        }
        return 0;
    }

    /** The loss's weights of positive examples (null: the plain loss), once the training labels are known. */
    private PositiveWeights positives;

    /** The run's input normalization once known (null: none), for the reports before and after training. */
    private InputNormalization normalization;

    /** Where the model runs: here, or on the cluster of {@code --spark}. */
    private TrainingCompute.Factory compute = TrainingCompute.LOCAL;

    /** The model's predictions on {@code set}, computed where the training runs. */
    private Predictions predict(Sequential model, LoadedData data, org.marquee.dataset.PosterDataset set) {
        try (TrainingCompute c = compute.open(model, data.train(), batchSize, Augmentation.none(), seed, normalization, null)) {
            return c.predict(set);
        }
    }

    /** Every option's range, before any folder, data or backend is touched. */
    void checkOptions() {
        OptionRanges.check("--epochs", epochs, 1, 1_000_000);
        if (serve != null) OptionRanges.check("--serve", serve, 0, 65_535);
        OptionRanges.check("--batch-size", batchSize, 1, 65_536);
        OptionRanges.check("--learning-rate", learningRate, false, 1.0);
        OptionRanges.check("--clip-norm", clipNorm, true, 1e6);
        OptionRanges.check("--patience", patience, 0, 1_000_000);
        OptionRanges.imageSize("--image-size", imageSize);
        OptionRanges.check("--warmup-epochs", warmupEpochs, 0, 1_000_000);
        OptionRanges.check("--weight-decay", weightDecay, true, 1.0);
        if (learningRate * weightDecay >= 1) {
            throw new IllegalArgumentException("--learning-rate x --weight-decay must be below 1, not " + learningRate * weightDecay);
        }
        Augmentation.parse(augment);
        LearningRateSchedule.Plan plan = plan();
        if (plan.shape() == LearningRateSchedule.Shape.COSINE && warmupEpochs >= epochs) {
            throw new IllegalArgumentException("--warmup-epochs must be fewer than --epochs (" + epochs + "), not " + warmupEpochs);
        }
        logOddsBias();
        if (select != null) Selection.parse(select);
        if (!(posWeight >= 1 && posWeight <= 1000)) {
            throw new IllegalArgumentException("--pos-weight must be from 1 (off) to 1000, not " + posWeight);
        }
        if (!(ema >= 0 && ema < 1)) throw new IllegalArgumentException("--ema must be 0 (off) or a decay in (0, 1), not " + ema);
        sparkOptions.check();
        backendOptions.check();
        dataOptions.check();
    }

    private LearningRateSchedule.Plan plan() {
        return new LearningRateSchedule.Plan(LearningRateSchedule.Plan.shape(schedule), warmupEpochs);
    }

    private boolean logOddsBias() {
        return switch (biasInit) {
            case "zero" -> false;
            case "log-odds" -> true;
            default -> throw new IllegalArgumentException("--bias-init must be zero or log-odds, not '" + biasInit + "'");
        };
    }

    /** One line naming what differs from plain training, when anything does. */
    private void printRecipe(TrainOptions options, List<String> genres, PrintStream out) {
        var parts = new java.util.ArrayList<String>();
        if (!options.augmentation().isNone()) parts.add("augment " + options.augmentation().describe());
        if (options.schedule().shape() != LearningRateSchedule.Shape.CONSTANT) parts.add("schedule " + options.schedule().describe());
        if (weightDecay > 0) parts.add("weight decay " + weightDecay + " on kernels");
        if (normalization != null) parts.add("inputs normalized per channel, " + normalization.describe());
        if (ema > 0) parts.add("moving average of the weights, decay " + ema + ", for validation");
        if (positives != null) parts.add("positive posters weighted in the loss (cap " + posWeight + "): "
                + positives.describe(genres));
        if (logOddsBias()) parts.add(resume ? "output biases from the checkpoint" : "output biases at the genres' log-odds");
        if (!parts.isEmpty()) out.println("training: " + String.join("; ", parts));
    }

    /**
     * Options that may change on resume without being named: early stopping, and the run's length
     * while the learning rate is constant (a cosine schedule's length is part of the experiment).
     */
    java.util.Set<String> alwaysChangeable() {
        return "constant".equals(schedule) ? java.util.Set.of("--epochs", "--patience") : java.util.Set.of("--patience");
    }

    /** Refuses an output folder holding a run's checkpoint: a new run would replace them without a word. */
    static void refuseExistingRun(Path output) {
        for (String name : List.of(Trainer.LAST, Trainer.BEST)) {
            Path p = output.resolve(name);
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                String epoch;
                try {
                    epoch = "epoch " + CheckpointFile.read(p).training().epoch();
                } catch (IOException | RuntimeException e) {
                    epoch = "unreadable";
                }
                throw new IllegalArgumentException(output + " holds a run (" + name + ", " + epoch + "): give --resume to continue it,"
                        + " --overwrite to replace it, or another --output folder");
            }
        }
    }

    /** The name of the extra checkpoint array that holds the training posters' ids. */
    public static final String TRAIN_IDS = "train-ids";

    /** Everything that defines this run, as recorded in its checkpoints and compared on resume. */
    RunSettings runSettings(LoadedData data, TrainOptions options) {
        return RunSettings.builder()
                .put("--seed", seed).put("--image-size", imageSize).put("--batch-size", batchSize)
                .put("--learning-rate", learningRate).put("--clip-norm", clipNorm).put("--weight-decay", weightDecay)
                .put("--augment", options.augmentation().describe())   // --flip is --augment flip
                .put("--schedule", schedule).put("--warmup-epochs", warmupEpochs).put("--bias-init", biasInit)
                .put("--epochs", epochs).put("--patience", patience).put(SELECT, options.selection().option)
                .put("--ema", ema).put("--normalize", normalize).put("--pos-weight", posWeight)
                .note("--spark", sparkOptions.on() ? sparkOptions.master : "no")   // where it ran does not change the result
                .build().with(dataOptions.settings(data));
    }

    /** The run setting naming the metric that selects the best epoch; a checkpoint without it selected by loss. */
    static final String SELECT = "--select";

    /**
     * What a run recorded before these options existed did: it chose its best epoch by the
     * validation loss, kept no average of the weights and did not normalize its inputs.
     */
    static final RunSettings OLDER_DEFAULTS = RunSettings.builder().put(SELECT, "loss").put("--ema", 0.0).put("--normalize", false)
            .put("--pos-weight", 1.0).build();

    /** {@code recorded} with {@link #OLDER_DEFAULTS} for the settings it lacks. */
    static RunSettings withOlderDefaults(RunSettings recorded) {
        return OLDER_DEFAULTS.with(recorded);
    }

    /** The option names given to --allow-change, each with its leading dashes. */
    private List<String> allowed() {
        return allowChange.stream().map(k -> k.startsWith("--") ? k : "--" + k).toList();
    }

    /** The training posters' ids, in float64 (exact for every id below 2^53). */
    static NamedArray trainIds(LoadedData data) {
        double[] ids = new double[data.train().size()];
        for (int i = 0; i < ids.length; i++) ids[i] = data.train().id(i);
        return new NamedArray(TRAIN_IDS, Checkpoint.Precision.FLOAT64, ids);
    }

    /**
     * The run's {@code last.ckpt}, checked to be the same experiment: same genres, and every
     * recorded setting equal to this run's, except {@link #alwaysChangeable} and those named by
     * {@code --allow-change}. A format 1 checkpoint records no settings; only its seed is checked.
     */
    private Checkpoint resumable(Path last, Checkpoint c, LoadedData data, RunSettings now, PrintStream out) {
        if (!c.genres().equals(data.genres())) throw new IllegalArgumentException(last + " was trained on other genres: " + c.genres());
        if (c.training().seed() != seed) {
            throw new IllegalArgumentException(last + " was trained with --seed " + c.training().seed() + ", not " + seed
                    + "; resume with the same seed");
        }
        if (c.run().isEmpty()) {
            out.println("note: " + last + " does not record the options of its run (an older format); only its seed and genres"
                    + " were checked");
            return c;
        }
        var mayChange = new java.util.HashSet<>(alwaysChangeable());
        for (String k : allowed()) {
            if (c.run().get(k).isEmpty() && now.get(k).isEmpty()) {
                throw new IllegalArgumentException("--allow-change names " + k + ", which is not an option this run records: "
                        + now.values().keySet().stream().filter(n -> n.startsWith("--")).collect(java.util.stream.Collectors.joining(", ")));
            }
            mayChange.add(k);
        }
        RunSettings recorded = withOlderDefaults(c.run());
        var differences = recorded.differences(now, mayChange);
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("--resume would change the run in " + output + ": "
                    + differences.stream().map(Object::toString).collect(java.util.stream.Collectors.joining("; "))
                    + ". Resume with the recorded values, or name what may change with --allow-change "
                    + differences.stream().map(RunSettings.Difference::key).filter(k -> k.startsWith("--"))
                            .map(k -> k.substring(2)).collect(java.util.stream.Collectors.joining(","))
                    + " (changing the data or its split mixes validation posters into training; start a new run instead)");
        }
        for (String k : allowed()) {
            recorded.get(k).filter(v -> !v.equals(now.get(k).orElse(null)))
                    .ifPresent(v -> out.printf("note: %s changes from %s to %s (allowed)%n", k, v, now.get(k).orElse("unset")));
        }
        return c;
    }

    /** The untrained model on the validation split beside the baselines, and the data set's charts. */
    private void reportUntrained(Sequential model, LoadedData data, boolean[][] trainLabels, PrintStream out) throws IOException {
        boolean[][] valLabels = Subset.labels(data.validation());
        out.println("validation before training:");
        Predictions before = predict(model, data, data.validation());
        out.print(MetricsTable.withBaselines("untrained", before.metrics(data.genres()), trainLabels, valLabels, data.genres()));
        writeDatasetCharts(data.movies(), output);
    }

    /**
     * Loads the best checkpoint into {@code model}, tunes the {@link DecisionRule} on the validation
     * split with it and stores the rule in {@code best.ckpt}, then reports the model on the test
     * split at 0.5 and with the rule, as {@code evaluate} does by default.
     */
    private void reportTest(Sequential model, LoadedData data, boolean[][] trainLabels, PrintStream out) throws IOException {
        Path best = output.resolve(Trainer.BEST);
        Checkpoint c = CheckpointFile.read(best);
        if (ModelState.restoreForInference(c, model, false)) {
            out.println("weights: the moving average of " + best.getFileName() + " (--ema " + ema + ") for the rule and the test set");
        }
        DecisionRule rule = EvaluationReport.tuneRule(predict(model, data, data.validation()));
        CheckpointFile.write(rule.storeIn(c), best);
        out.printf(Locale.ROOT, "decision rule tuned on the validation split (%,d posters), stored in %s: %s%n",
                data.validation().size(), best.getFileName(), rule.describe(data.genres()));
        Predictions test = predict(model, data, data.test());
        out.printf("test set (%,d posters), best checkpoint %s:%n", data.test().size(), best);
        out.print(new EvaluationReport(test, rule, data.genres(), trainLabels).table());
    }

    /** Draws genres.png, years.png and scores.png of {@code movies} into {@code output}; nothing for synthetic data (no movies). */
    static void writeDatasetCharts(java.util.List<org.marquee.dataset.MovieRecord> movies, Path output) throws IOException {
        if (movies.isEmpty()) return;
        var perGenre = new java.util.TreeMap<String, Integer>();
        var perYear = new java.util.TreeMap<Integer, Integer>();
        movies.forEach(m -> {
            m.genres().forEach(g -> perGenre.merge(g, 1, Integer::sum));
            perYear.merge(m.year(), 1, Integer::sum);
        });
        DatasetCharts.genres(perGenre, output.resolve("genres.png"));
        DatasetCharts.years(perYear, output.resolve("years.png"));
        System.out.println(DatasetCharts.scores(movies, output.resolve("scores.png")).summary() + " (scores.png)");
    }
}
