package org.marquee.app.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.List;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.NamedArray;
import org.marquee.engine.checkpoint.RunSettings;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.app.metrics.MetricsReport;
import org.marquee.app.report.TrainingCharts;
import org.marquee.dataset.PosterDataset;
import org.marquee.engine.Backend;
import org.marquee.engine.DropoutHash;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Sequential;

/**
 * The training loop. Each epoch visits the training set in an order drawn from (seed, epoch)
 * alone, in full batches (a trailing partial batch is left out that epoch), with dropout masks
 * keyed by the step counter (and, with {@code --flip} or {@code --augment}, each poster mirrored,
 * cropped, shifted or recoloured by the same kind of key, see {@link Augmenter}) and the learning
 * rate of each step from {@link LearningRateSchedule}; then it scores the validation set and writes
 * {@code epochs.csv}, {@code loss.png}, {@code f1.png}, {@code last.ckpt} and, when the validation
 * metric of {@link TrainOptions#selection()} improved (the loss unless asked otherwise), {@code best.ckpt}
 * to the output folder; early stopping follows the same metric. With {@code --ema} a
 * {@link WeightAverage} of the weights is updated after every step, validation (and so the choice
 * of the best epoch) uses it, and each checkpoint holds it as the {@value WeightAverage#EMA} array
 * beside the trained weights. With an {@link InputNormalization} every poster the model sees,
 * training and validation, is normalized, and each checkpoint holds its statistics. {@code best.ckpt} is written before
 * {@code last.ckpt}, so a crash between the two never leaves a {@code last.ckpt} that names a best
 * epoch whose {@code best.ckpt} is missing; {@link #checkBest} repairs or explains runs left
 * inconsistent otherwise. A run that diverges (a loss or a parameter that is not finite) stops
 * before it writes anything, so the checkpoints of the last good epoch stay. Because the order, the masks and the
 * optimizer state are all functions of what the checkpoint holds, a run resumed from
 * {@code last.ckpt} continues exactly as if it had not stopped.
 */
public final class Trainer {
    public static final String LAST = "last.ckpt";
    public static final String BEST = "best.ckpt";

    private final Sequential model;
    private final Adam adam;
    private final TrainOptions options;
    private final PosterDataset train;
    private final PosterDataset validation;
    private final ProgressLine progress;
    private final PrintStream out;
    private CheckpointWriter writer = CheckpointFile::write;
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

    /** How a checkpoint reaches its file; tests replace it to stop the run between the writes. */
    @FunctionalInterface
    interface CheckpointWriter {
        void write(org.marquee.engine.checkpoint.Checkpoint checkpoint, Path file) throws IOException;
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
     * With {@code --ema}: continue from the average a checkpoint holds (its {@value WeightAverage#EMA}
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

    /** Replaces the checkpoint writer (for tests that stop the run part way through saving). */
    Trainer withWriter(CheckpointWriter w) {
        this.writer = w;
        return this;
    }

    /** Trains from {@code state} up to {@code options.epochs()} (or an early stop) and returns the final state. */
    public TrainingState run(TrainingState state, EpochLog log) throws IOException {
        Files.createDirectories(options.output());
        Backend backend = model.backend();
        int batch = Math.min(options.batchSize(), train.size());
        int steps = train.size() / batch;
        LearningRateSchedule schedule = options.schedule().forRun(options.adam().learningRate(), steps, options.epochs());
        try (TrainingCompute compute = computeFactory.open(model, train, batch, options.augmentation(), options.seed(), normalization, positives);
             WeightAverage ema = options.emaDecay() > 0 ? new WeightAverage(backend, model.parameters(), options.emaDecay()) : null) {
            if (ema != null && resumedAverage != null) ema.load(resumedAverage);
            Selection selection = options.selection();
            if (state.bestEpoch() == 0 && state.bestScore() == Double.POSITIVE_INFINITY) {
                state = state.withBestScore(selection.initial());   // a new run: nothing to beat yet
            }
            while (state.epoch() < options.epochs()) {
                if (options.patience() > 0 && state.staleEpochs() >= options.patience()) {
                    out.printf(Locale.ROOT, "early stop: no improvement of the %s for %d epochs (best %.4f at epoch %d)%n",
                            selection.label(), state.staleEpochs(), state.bestScore(), state.bestEpoch());
                    break;
                }
                int epoch = state.epoch() + 1;
                long step = state.step();
                int[] order = permutation(train.size(), options.seed(), epoch);
                long t0 = System.nanoTime();
                double lossSum = 0;
                progress.begin(String.format(Locale.ROOT, "epoch %d/%d", epoch, options.epochs()), steps);
                for (int s = 0; s < steps; s++) {
                    double loss = compute.gradient(order, s * batch, step);
                    if (!Double.isFinite(loss)) throw diverged(epoch, "the training loss became " + loss + " at step " + step);
                    double lr = schedule.at(step);
                    adam.setLearningRate(lr);
                    adam.step(model.parameters(), model.gradients());
                    if (ema != null) ema.update();
                    step++;
                    lossSum += loss;
                    progress.update(s + 1, (long) (s + 1) * batch, lossSum / (s + 1));
                    if (listener != null) listener.step(epoch, options.epochs(), s + 1, steps, lossSum / (s + 1), lr);
                }
                backend.synchronize();
                double trainSeconds = (System.nanoTime() - t0) / 1e9;
                progress.end();

                Predictions val = ema == null ? compute.predict(validation) : ema.swapIn(() -> compute.predict(validation));
                if (!Double.isFinite(val.loss())) {
                    throw diverged(epoch, "the validation loss is " + val.loss());
                }
                MetricsReport m = val.metrics(validation.genres().names());
                double seconds = (System.nanoTime() - t0) / 1e9;
                EpochResult r = new EpochResult(epoch, lossSum / steps, val.loss(), m.accuracy(), m.hammingLoss(), m.oneError(),
                        m.coverage(), m.microF1(), m.macroF1(), m.meanAuc(), m.meanAveragePrecision(), seconds, steps * (double) batch / trainSeconds);
                log.add(r);
                double score = selection.score(val, m);
                boolean improved = selection.better(score, state.bestScore());
                state = new TrainingState(options.seed(), epoch, step,
                        improved ? score : state.bestScore(), improved ? epoch : state.bestEpoch(),
                        improved ? 0 : state.staleEpochs() + 1, log.toCsv());
                out.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f  val loss %.4f  micro-F1 %.4f  macro-F1 %.4f  one-error %.4f"
                                + "  mAP %.4f%s  %.1f s (%.1f img/s)%s%n", epoch, options.epochs(), r.trainLoss(), r.valLoss(), r.valMicroF1(),
                        r.valMacroF1(), r.valOneError(), r.valMap(),
                        selection == Selection.MICRO_F1 ? String.format(Locale.ROOT, "  rule micro-F1 %.4f", score) : "",
                        seconds, r.imagesPerSecond(), improved ? "  * best" : "");
                save(state, log, improved, ema);
            }
        }
        return state;
    }

    private void save(TrainingState state, EpochLog log, boolean improved, WeightAverage ema) throws IOException {
        List<NamedArray> all = new java.util.ArrayList<>(extras);
        if (normalization != null) all.addAll(normalization.toArrays());
        if (ema != null) all.add(new NamedArray(WeightAverage.EMA, ModelState.precision(model), ema.values()));
        var checkpoint = ModelState.snapshot(model, adam, train.genres().names(), state, run, all);
        var bad = ModelState.nonFinite(checkpoint, model);
        if (bad.isPresent()) throw diverged(state.epoch(), bad.get());
        // best first: last.ckpt then never names a best epoch that best.ckpt does not hold yet
        if (improved) writer.write(checkpoint, options.output().resolve(BEST));
        writer.write(checkpoint, options.output().resolve(LAST));
        log.write(options.output().resolve("epochs.csv"));
        TrainingCharts.write(log.rows(), options.output());
    }

    /** Training went numerically wrong; the checkpoints on disk are those of the epoch before. */
    private IllegalStateException diverged(int epoch, String what) {
        return new IllegalStateException("training diverged in epoch " + epoch + ": " + what + "; " + LAST + " and " + BEST
                + " in " + options.output() + " were left as they were after epoch " + (epoch - 1)
                + " (try a lower learning rate or a clip norm)");
    }

    /** Row i of the batch at {@code step} is mirrored when bit 0 of a hash of (seed, step, i) is set. */
    static java.util.function.IntPredicate flips(long seed, long step) {
        long key = seed ^ FLIP_SALT;
        return i -> (DropoutHash.mix(key, step, i) & 1) != 0;
    }

    static final long FLIP_SALT = 0x666C6970L;   // "flip": keeps flips apart from dropout masks

    /** The visiting order of epoch {@code epoch}: a Fisher-Yates shuffle seeded by (seed, epoch) alone ({@link org.marquee.engine.fit.Fit#permutation}). */
    public static int[] permutation(int n, long seed, int epoch) {
        return org.marquee.engine.fit.Fit.permutation(n, seed, epoch);
    }

    public static Path lastCheckpoint(Path output) { return output.resolve(LAST); }

    /** The run setting (a note: never compared as an option) that names the run its checkpoints belong to. */
    public static final String RUN_ID = "run-id";

    /** {@code run} with the run id of {@code resumedFrom}, or a new one for a new run (or a checkpoint that records none). */
    public static org.marquee.engine.checkpoint.RunSettings withRunId(org.marquee.engine.checkpoint.RunSettings run,
            org.marquee.engine.checkpoint.Checkpoint resumedFrom) {
        String id = resumedFrom == null ? null : resumedFrom.run().get(org.marquee.engine.checkpoint.RunSettings.NOTE_PREFIX + RUN_ID)
                .orElse(null);
        if (id == null) id = java.util.UUID.randomUUID().toString();
        return run.with(org.marquee.engine.checkpoint.RunSettings.builder().note(RUN_ID, id).build());
    }

    /**
     * Why two checkpoints are not of one run, or empty when they may be: another run id when both
     * record one; otherwise (checkpoints written before run ids) another seed, other genres, or
     * other data (the recorded data settings and poster fingerprint).
     */
    public static java.util.Optional<String> otherRun(org.marquee.engine.checkpoint.Checkpoint a,
            org.marquee.engine.checkpoint.Checkpoint b) {
        String key = org.marquee.engine.checkpoint.RunSettings.NOTE_PREFIX + RUN_ID;
        var ida = a.run().get(key);
        var idb = b.run().get(key);
        if (ida.isPresent() && idb.isPresent()) {
            // one run's checkpoints share its id whatever --allow-change changed between them
            return ida.get().equals(idb.get()) ? java.util.Optional.empty() : java.util.Optional.of("run id " + idb.get() + ", not " + ida.get());
        }
        if (a.training().seed() != b.training().seed()) {
            return java.util.Optional.of("--seed " + b.training().seed() + ", not " + a.training().seed());
        }
        if (!a.genres().equals(b.genres())) return java.util.Optional.of("other genres");
        for (String k : List.of("data", "posters", "--split-seed", "--synthetic", "--limit", "--image-size")) {
            var va = a.run().get(k);
            var vb = b.run().get(k);
            if (va.isPresent() && vb.isPresent() && !va.get().equals(vb.get())) {
                return java.util.Optional.of(k + " " + vb.get() + ", not " + va.get());
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The checkpoint a resume starts from: {@code last.ckpt}, or {@code best.ckpt} when the run
     * was stopped before its first last.ckpt was complete (best.ckpt is written first, with the
     * optimizer's state); the epochs after best.ckpt's are trained again, with the same result.
     */
    public static Path resumePoint(Path output, PrintStream out) throws IOException {
        Path last = output.resolve(LAST);
        if (org.marquee.engine.io.FileKind.of(last) != org.marquee.engine.io.FileKind.MISSING) return last;
        Path best = output.resolve(BEST);
        if (org.marquee.engine.io.FileKind.of(best) == org.marquee.engine.io.FileKind.REGULAR) {
            var c = CheckpointFile.read(best);
            if (c.hasOptimizerState()) {
                out.printf("note: %s is missing; resuming from %s (epoch %d), the epochs after it are trained again%n", last, BEST,
                        c.training().epoch());
                return best;
            }
        }
        throw new org.marquee.engine.checkpoint.CheckpointException(last, "no such file, and no " + BEST + " with the optimizer's state"
                + " to resume from: nothing to resume in " + output);
    }

    /** Removes the temporary files of checkpoint writes that were interrupted (".last.ckpt123.tmp"), saying so. */
    public static void removeStaleTemporaryFiles(Path output, PrintStream out) throws IOException {
        if (!Files.isDirectory(output)) return;
        try (var files = Files.list(output)) {
            for (Path p : files.filter(f -> {
                String n = f.getFileName().toString();
                return (n.startsWith("." + LAST) || n.startsWith("." + BEST)) && n.endsWith(".tmp") && Files.isRegularFile(f);
            }).toList()) {
                Files.deleteIfExists(p);
                out.println("removed " + p + ", left by an interrupted checkpoint write");
            }
        }
    }

    /**
     * Makes {@code best.ckpt} in {@code output} agree with {@code last}, the run's {@code last.ckpt},
     * before a resume. A best.ckpt of the best epoch that {@code last} names is kept; one from a
     * later epoch than {@code last} (the run stopped between the two writes) is kept too, as the
     * resumed run redoes that epoch and writes it again. When it is missing, unreadable or of
     * another epoch and {@code last} is itself the best epoch, it is rewritten from {@code last};
     * otherwise the best model is lost and this says so instead of failing at the end of the run.
     */
    public static void checkBest(Path output, org.marquee.engine.checkpoint.Checkpoint last, PrintStream out) throws IOException {
        TrainingState t = last.training();
        if (t.bestEpoch() == 0) return;
        Path best = output.resolve(BEST);
        String problem;
        if (!Files.isRegularFile(best)) {
            problem = "is missing";
        } else {
            try {
                org.marquee.engine.checkpoint.Checkpoint b = CheckpointFile.read(best);
                int epoch = b.training().epoch();
                var other = otherRun(last, b);
                if (other.isPresent()) {
                    problem = "belongs to another run (" + other.get() + ")";
                } else if (epoch == t.bestEpoch() || epoch > t.epoch()) {
                    return;
                } else {
                    problem = "holds epoch " + epoch;
                }
            } catch (org.marquee.engine.checkpoint.CheckpointException e) {
                problem = "cannot be read (" + e.getMessage() + ")";
            }
        }
        if (t.epoch() == t.bestEpoch()) {
            CheckpointFile.write(last, best);
            out.printf("repaired %s: it %s, but %s is epoch %d, the best; rewrote it from %s%n", best, problem, LAST, t.epoch(), LAST);
            return;
        }
        throw new org.marquee.engine.checkpoint.CheckpointException(best, LAST + " says epoch " + t.bestEpoch() + " is the best but "
                + BEST + " " + problem + ", and " + LAST + " is epoch " + t.epoch() + ", so the best model cannot be rebuilt;"
                + " start a new run in another output folder");
    }
}
