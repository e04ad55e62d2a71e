package org.marquee.app.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.marquee.app.LoadedModel;
import org.marquee.app.data.LoadedData;
import org.marquee.app.data.Subset;
import org.marquee.app.metrics.DecisionRule;
import org.marquee.app.metrics.Threshold;
import org.marquee.app.cluster.Cluster;
import org.marquee.app.train.Augmentation;
import org.marquee.app.train.Evaluator;
import org.marquee.app.train.TrainingCompute;
import org.marquee.app.train.Predictions;
import org.marquee.engine.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scores a checkpoint on one split (default: test) beside the trivial baselines, with per-genre results.")
public final class EvaluateCommand implements Callable<Integer> {
    enum Split { train, validation, test }

    @Mixin BackendMixin backendOptions;
    @Mixin DataMixin dataOptions;
    @Mixin SparkMixin sparkOptions;

    @Option(names = {"-c", "--checkpoint"}, paramLabel = "FILE",
            description = "checkpoint to evaluate (default: " + CheckpointLocator.DEFAULT_DESCRIPTION + ")")
    Path checkpoint;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
            description = "train, validation or test (default: ${DEFAULT-VALUE})")
    Split split;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "examples per batch (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--threshold", paramLabel = "T",
            description = {"default: the checkpoint's decision rule (the top genre, plus others at or above their thresholds, at most 3;"
                    + " tuned on the validation split when the checkpoint has none), reported beside 0.5;",
                    "a number T: decide a genre when its probability is at least T;",
                    "'tuned': one T chosen on the validation split (highest micro-F1 there), reported beside 0.5"})
    String threshold;

    @Option(names = "--raw-weights", description = "use the trained weights even when the checkpoint holds their moving average (--ema)")
    boolean rawWeights;

    @Option(names = "--tta", paramLabel = "none|flip", defaultValue = "none",
            description = {"test-time augmentation: flip averages each poster's probabilities with its mirror image's (twice the"
                    + " forward passes); the decision rule is then tuned again on the validation split, seen the same way"
                    + " (default: ${DEFAULT-VALUE})"})
    String tta;

    @Override
    public Integer call() throws Exception {
        OptionRanges.check("--batch-size", batchSize, 1, 65_536);
        backendOptions.check();
        dataOptions.check();
        Threshold.Request request = threshold == null ? null : Threshold.parse(threshold);
        Path checkpoint = CheckpointLocator.orLatest(this.checkpoint);
        PrintStream out = System.out;
        sparkOptions.check();
        boolean mirrors = switch (tta) {
            case "none" -> false;
            case "flip" -> true;
            default -> throw new IllegalArgumentException("--tta must be none or flip, not '" + tta + "'");
        };
        if (mirrors && sparkOptions.on()) throw new IllegalArgumentException("--tta flip runs on this machine only; leave out --spark or --tta");
        try (Backend backend = backendOptions.open(out);
             LoadedModel loaded = LoadedModel.open(checkpoint, backend, rawWeights);
             Cluster cluster = sparkOptions.connect(checkSameRun(checkpoint, loaded.checkpoint(), out));
             LoadedData data = loadData(loaded, checkpoint, cluster, out)) {
            TrainingCompute.Factory compute = cluster == null ? TrainingCompute.LOCAL : cluster.compute(loaded.recipe());
            if (cluster != null) out.println("cluster: " + cluster.describe());
            this.scorer = mirrors ? set -> new Evaluator(loaded.model(), batchSize, loaded.normalization()).averagingMirrors().run(set) : set -> {
                try (TrainingCompute c = compute.open(loaded.model(), data.train(), batchSize, Augmentation.none(), 0, loaded.normalization(), null)) {
                    return c.predict(set);
                }
            };
            if (!loaded.checkpoint().genres().equals(data.genres())) {
                throw new IllegalArgumentException(checkpoint + " predicts " + loaded.checkpoint().genres() + " but the data has " + data.genres());
            }
            out.printf(Locale.ROOT, "checkpoint %s: %s, epoch %d, step %d%n", checkpoint, loaded.checkpoint().model().headline(),
                    loaded.checkpoint().training().epoch(), loaded.checkpoint().training().step());
            if (loaded.weightsLine() != null) out.println(loaded.weightsLine());
            if (loaded.normalization() != null) out.println("input normalization from the checkpoint: " + loaded.normalization().describe());
            Subset part = switch (split) {
                case train -> data.train();
                case validation -> data.validation();
                case test -> data.test();
            };
            if (split != Split.train) {
                checkNoTrainingPosters(loaded.checkpoint(), checkpoint, data, part, out);
            } else {
                out.println("note: the train split holds the posters the checkpoint was trained on: its scores measure how well it"
                        + " fits them, not how it does on posters it has not seen (use --split validation or test for that)");
            }
            long t0 = System.nanoTime();
            Predictions p = scorer.apply(part);
            double seconds = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "%s split: %,d posters, loss %.4f, %.1f s%n", split, part.size(), p.loss(), seconds);
            EvaluationReport report;
            if (request == null) {
                var stored = DecisionRule.from(loaded.checkpoint());
                DecisionRule rule;
                if (mirrors) {
                    Predictions validation = split == Split.validation ? p : scorer.apply(data.validation());
                    rule = EvaluationReport.tuneRule(validation);
                    out.printf(Locale.ROOT, "with --tta flip: decision rule tuned again on the validation split (%,d posters), each poster"
                            + " and its mirror image averaged: %s%n", data.validation().size(), rule.describe(data.genres()));
                } else if (stored.isPresent()) {
                    rule = stored.get();
                    out.println("decision rule from the checkpoint: " + rule.describe(data.genres()));
                } else {
                    Predictions validation = split == Split.validation ? p : scorer.apply(data.validation());
                    rule = EvaluationReport.tuneRule(validation);
                    out.printf(Locale.ROOT, "the checkpoint stores no decision rule (an older checkpoint); tuned one on the validation split"
                            + " (%,d posters): %s%n", data.validation().size(), rule.describe(data.genres()));
                }
                report = new EvaluationReport(p, rule, data.genres(), Subset.labels(data.train()));
            } else {
                report = new EvaluationReport(p, threshold(request, p, loaded, data, out), data.genres(), Subset.labels(data.train()));
            }
            out.print(report.table());
            out.println();
            out.print(report.perGenre());
        }
        return 0;
    }

    /** Scores a data set with the loaded model, here or on the cluster. */
    private java.util.function.Function<org.marquee.dataset.PosterDataset, Predictions> scorer;

    /** The data, set up as the checkpoint recorded for every data option not given here; read through {@code cluster} unless null. */
    private LoadedData loadData(LoadedModel loaded, Path checkpoint, Cluster cluster, PrintStream out) throws java.io.IOException {
        String taken = dataOptions.adopt(loaded.checkpoint().run());
        if (!taken.isEmpty()) out.println("data setup from " + checkpoint + ": " + taken);
        return cluster == null ? dataOptions.load(loaded.imageSize(), out) : dataOptions.load(cluster, loaded.imageSize(), out);
    }

    /**
     * Refuses a best.ckpt or last.ckpt whose partner in the same folder belongs to another run:
     * the folder's checkpoints were mixed, and its split and training posters may be another run's.
     * Returns {@code out}.
     */
    static PrintStream checkSameRun(Path checkpoint, org.marquee.engine.checkpoint.Checkpoint c, PrintStream out) throws java.io.IOException {
        String name = checkpoint.getFileName().toString();
        String partner = name.equals(org.marquee.app.train.RunFolder.BEST) ? org.marquee.app.train.RunFolder.LAST
                : name.equals(org.marquee.app.train.RunFolder.LAST) ? org.marquee.app.train.RunFolder.BEST : null;
        if (partner == null) return out;
        Path other = checkpoint.resolveSibling(partner);
        if (org.marquee.engine.io.FileKind.of(other) != org.marquee.engine.io.FileKind.REGULAR) return out;
        var why = org.marquee.app.train.RunFolder.otherRun(org.marquee.engine.checkpoint.CheckpointFile.read(other), c);
        if (why.isPresent()) {
            throw new IllegalArgumentException(checkpoint + " and " + other + " belong to different runs (" + name + " has "
                    + why.get() + "): the folder's checkpoints were mixed; evaluate a checkpoint of its own folder");
        }
        return out;
    }

    /**
     * Refuses to score a split holding posters the checkpoint was trained on (its recorded
     * training ids), naming the data options that differ from the training run's.
     */
    private void checkNoTrainingPosters(org.marquee.engine.checkpoint.Checkpoint c, Path checkpoint, LoadedData data, Subset part,
                                        PrintStream out) {
        var trained = c.extra(TrainCommand.TRAIN_IDS);
        if (trained.isEmpty()) {
            out.println("note: " + checkpoint + " does not record its training posters (an older format); the scores are"
                    + " only unbiased if the data options are those of the training run");
            return;
        }
        var ids = new java.util.HashSet<Long>();
        for (double id : trained.get().values()) ids.add((long) id);
        long shared = 0, example = -1;
        for (int i = 0; i < part.size(); i++) {
            if (ids.contains(part.id(i))) {
                if (shared++ == 0) example = part.id(i);
            }
        }
        if (shared == 0) return;
        var differences = dataDifferences(c.run(), dataOptions.settings(data)).stream()
                .map(Object::toString).collect(java.util.stream.Collectors.joining("; "));
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "%,d of the %,d %s posters (id %d, ...) were training posters of %s, so its scores would flatter it; %s."
                        + " Leave out the data options to use the checkpoint's setup", shared, part.size(), split, example, checkpoint,
                differences.isEmpty() ? "the data setup is the one it recorded" : "the data setup differs from the training run's: "
                        + differences));
    }

    /**
     * The data settings in which {@code now} differs from the {@code recorded} run: the kind of
     * data and the options that choose the posters and their split, and only those (a training
     * option such as {@code --seed} does not change which posters are scored). The posters'
     * fingerprint is named only when no option differs, as the one sign of an edited catalogue or
     * poster folder; otherwise it differs because of the options named.
     */
    static java.util.List<org.marquee.engine.checkpoint.RunSettings.Difference> dataDifferences(
            org.marquee.engine.checkpoint.RunSettings recorded, org.marquee.engine.checkpoint.RunSettings now) {
        var all = recorded.differences(now, java.util.Set.of()).stream().filter(d -> DataMixin.SETTINGS.contains(d.key())).toList();
        var options = all.stream().filter(d -> !d.key().equals(DataMixin.POSTERS_SETTING)).toList();
        return options.isEmpty() ? all : options;
    }

    /** The fixed threshold asked for, or the one tuned on the validation split. */
    private Threshold threshold(Threshold.Request request, Predictions p, LoadedModel loaded, LoadedData data, PrintStream out) {
        if (request instanceof Threshold.Fixed fixed) return fixed;
        Predictions validation = split == Split.validation ? p : scorer.apply(data.validation());
        Threshold.Tuned chosen = EvaluationReport.tune(validation);
        out.printf(Locale.ROOT, "threshold %s: the highest micro-F1 on the validation split (%,d posters)%n",
                chosen.label(), data.validation().size());
        return chosen;
    }
}
