package org.marquee.engine.fit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.marquee.engine.Backend;
import org.marquee.engine.DropoutHash;
import org.marquee.engine.Shapes;
import org.marquee.engine.Tensor;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.CheckpointException;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.Checkpoints;
import org.marquee.engine.checkpoint.NamedArray;
import org.marquee.engine.checkpoint.RunSettings;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.engine.io.AtomicFiles;
import org.marquee.engine.nn.LossFunction;
import org.marquee.engine.nn.Optimizer;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.nn.Sigmoid;

/**
 * The training loop of the project, and the scoring and running of any {@link Sequential} whose
 * outputs are independent yes/no labels (multi-label classification, a single binary label being
 * the case of one output).
 *
 * <p><b>The loss.</b> The model's last layer gives logits z, one per target; training minimises
 * by default the sigmoid cross-entropy {@code max(z,0) - z·t + log(1 + e^-|z|)} averaged over
 * examples and outputs ({@link LossFunction#SIGMOID_CROSS_ENTROPY}), or with
 * {@link FitOptions#positiveWeights()} the class-weighted form of {@link PositiveWeights}; the
 * softmax cross-entropy or the mean squared error when {@link FitOptions#loss()} says so; with Adam
 * or SGD with momentum ({@link FitOptions#optimizer()}, clip norm and decoupled weight decay
 * included). So a model trained with a cross-entropy must not end with {@code .sigmoid()}:
 * {@link #predict} applies the sigmoid (or softmax) itself.
 *
 * <p><b>The run.</b> Each epoch visits the training examples in an order drawn from
 * (seed, epoch) alone (a Fisher-Yates shuffle), in full batches of {@code min(batchSize, size)}
 * examples (a trailing partial batch is left out that epoch, so every step has the same size),
 * with dropout masks keyed by (seed, layer, step), any {@link ExampleTransform} keyed by
 * (step, row), and the learning rate of each step from the {@link LearningRateSchedule}. After each
 * epoch the {@link Validator}, if any, scores the model (the {@link WeightAverage}'s weights when
 * one is kept); the {@link Selection} metric picks the best epoch, and with a patience p &gt; 0
 * the run stops once p epochs in a row have not improved on it. At the end the model holds the
 * best epoch's weights when {@link FitOptions#restoreBest()} asks for it ({@link FitResult#restoredEpoch()}).
 *
 * <p><b>Checkpoints.</b> With {@link FitOptions#checkpoints()} set, each epoch writes
 * {@value #BEST} when it is the best so far, then {@value #LAST} (weights, the optimizer's state,
 * the weight average, the epoch log and the run's recorded settings, in {@link CheckpointFile}'s
 * format) and {@value #LOG}; {@link #resume} continues from {@value #LAST} bit for bit as if the
 * run had not stopped, and refuses a run whose settings changed. {@value #BEST} is written first,
 * so {@value #LAST} never names a best epoch whose weights are not on disk yet. All are written
 * atomically.
 *
 * <p><b>Divergence.</b> A training or validation loss, or a parameter or moment, that is not
 * finite stops the run with an {@link IllegalStateException} before anything of that epoch is
 * written, so the files of the last good epoch stay.
 *
 * <p><b>Where the arithmetic runs.</b> {@link #fit} computes each step's gradient on the model's
 * own backend from {@link Examples}; {@link #train} takes any {@link GradientCompute} (the poster
 * application's background-loading one, Spark's sharded one) and any {@link Validator}.
 */
public final class Fit {
    /** The best epoch's checkpoint, in the checkpoint folder. */
    public static final String BEST = "best.ckpt";
    /** The checkpoint after the last finished epoch, in the checkpoint folder. */
    public static final String LAST = "last.ckpt";
    /** The epoch log, in the checkpoint folder. */
    public static final String LOG = "epochs.csv";
    /** The name of the weight average's array in checkpoints. */
    public static final String EMA = WeightAverage.EMA;
    /** The batch size {@link #predict(Sequential, float[][])} uses. */
    public static final int PREDICT_BATCH = 32;

    private Fit() {}

    /** How a checkpoint reaches its file ({@link CheckpointFile#write} unless a caller needs otherwise). */
    @FunctionalInterface
    public interface CheckpointWriter {
        /**
         * Writes {@code checkpoint} to {@code file}.
         *
         * @param checkpoint what to write
         * @param file where
         * @throws IOException when it cannot be written
         */
        void write(Checkpoint checkpoint, Path file) throws IOException;
    }

    /**
     * What every checkpoint of a run records beside the weights and the training state: the
     * model's architecture name, the outputs' labels, the settings that define the run (compared
     * on resume) and further named arrays.
     *
     * @param architecture the model's name in checkpoints
     * @param labels       the outputs' names (empty: unnamed)
     * @param run          the settings that define the run
     * @param extras       further arrays every checkpoint holds
     */
    public record Recording(String architecture, List<String> labels, RunSettings run, List<NamedArray> extras) {
        /**
         * Copies the lists; a null run records nothing.
         *
         * @param architecture the model's name in checkpoints
         * @param labels the outputs' names
         * @param run the recorded settings
         * @param extras further arrays
         */
        public Recording {
            if (architecture == null || architecture.isBlank()) architecture = Checkpoints.SEQUENTIAL;
            labels = List.copyOf(labels);
            run = run == null ? RunSettings.NONE : run;
            extras = List.copyOf(extras);
        }
    }

    /**
     * What the loop trains and with what: the model and its optimizer, where each step's gradient
     * is computed, the number of training examples, the validation (null: none), what checkpoints
     * record and how they reach their files.
     *
     * @param model     the model, ending in logits
     * @param optimizer its optimizer (Adam, or SGD with momentum)
     * @param compute   turns a batch of the training order into the model's gradients
     * @param trainSize the number of training examples the order ranges over
     * @param validator scores each epoch, or null for none
     * @param recording what every checkpoint records beside the weights
     * @param writer    how checkpoints reach their files ({@link CheckpointFile#write} when null)
     */
    public record Session(Sequential model, Optimizer optimizer, GradientCompute compute, int trainSize, Validator validator,
                          Recording recording, CheckpointWriter writer) {
        /**
         * Checks the parts.
         *
         * @param model the model
         * @param optimizer its optimizer
         * @param compute the gradient computation
         * @param trainSize the number of training examples, at least 1
         * @param validator the validation, or null
         * @param recording what checkpoints record
         * @param writer how checkpoints reach their files, or null
         */
        public Session {
            if (model == null || optimizer == null || compute == null || recording == null) {
                throw new IllegalArgumentException("a model, its optimizer, a compute and a recording are required");
            }
            if (trainSize < 1) throw new IllegalArgumentException("the training set is empty");
            if (writer == null) writer = CheckpointFile::write;
        }
    }

    /**
     * Where a run starts: a new run's initial state, or what a checkpoint restored.
     *
     * @param state   the epoch, step, best epoch and score, stale epochs and seed
     * @param log     the epochs so far
     * @param average the weight average to continue from, or null to start one at the weights
     */
    public record Start(TrainingState state, TrainingLog log, double[] average) {
        /**
         * The start of a new run.
         *
         * @param seed the run's seed
         * @param columns the validation metrics the log records
         * @return epoch 0, step 0, nothing to beat yet
         */
        public static Start fresh(long seed, List<String> columns) {
            return new Start(TrainingState.initial(seed), new TrainingLog(columns), null);
        }
    }

    /**
     * Trains {@code model} from its present weights on {@code train} for {@code options.epochs()}
     * epochs (fewer with early stopping), scoring {@code validation} after each (null: no
     * validation, hence no best epoch and no early stopping). A checkpoint folder that already
     * holds a {@value #LAST} is refused: continue that run with {@link #resume} or choose
     * another folder.
     *
     * @param model the model to train, ending in logits (the loss applies the sigmoid)
     * @param train the training examples
     * @param validation the validation examples, or null
     * @param options epochs, batch size, Adam, schedule, seed, patience, checkpoint folder, listener and the rest
     * @return what each epoch measured, the best epoch and whether its weights were restored
     * @throws IllegalArgumentException when the examples do not fit the model or the model ends with a sigmoid
     * @throws IllegalStateException    when training diverges
     * @throws IOException              when a checkpoint cannot be written; the message names the file
     */
    public static FitResult fit(Sequential model, Examples train, Examples validation, FitOptions options) throws IOException {
        check(model, train, validation, options);
        return fitValidating(model, train, validation == null ? null
                : Validator.loss(validation, Math.min(options.batchSize(), train.size()), options.loss()), options);
    }

    /**
     * As {@link #fit(Sequential, Examples, Examples, FitOptions)}, with a validator that measures
     * whatever the caller wants after each epoch (the loss among it): any of its metrics can pick
     * the best epoch ({@link FitOptions#withSelection}), and those in {@link Validator#columns()} are logged.
     *
     * @param model the model to train, ending in logits
     * @param train the training examples
     * @param validator scores the model after each epoch, or null for no validation
     * @param options the run's options
     * @return what each epoch measured, the best epoch and whether its weights were restored
     * @throws IOException when a checkpoint cannot be written; the message names the file
     */
    public static FitResult fitValidating(Sequential model, Examples train, Validator validator, FitOptions options) throws IOException {
        check(model, train, null, options.withPatience(0));
        if (options.patience() > 0 && validator == null) {
            throw new IllegalArgumentException("early stopping (patience " + options.patience() + ") needs validation examples");
        }
        if (options.checkpoints() != null) {
            for (String name : List.of(LAST, ModelFiles.LEGACY_STATE)) {
                Path last = options.checkpoints().resolve(name);
                if (Files.exists(last)) {
                    throw new IllegalStateException(last + " already exists: continue that run with Fit.resume, or give another checkpoint folder");
                }
            }
        }
        try (Optimizer adam = options.optimizer().open(model)) {
            model.setStep(0);
            model.setDropoutSeed(options.seed());
            return trainOn(model, adam, train, validator, options, Start.fresh(options.seed(), columns(validator)));
        }
    }

    /**
     * Continues the run whose {@value #LAST} is in {@code options.checkpoints()}: loads its
     * weights into {@code model} (built with the same layers), the optimizer's state and the weight
     * average, and trains up to {@code options.epochs()} epochs in all. The recorded settings (seed,
     * batch size, Adam, schedule, weight average, selection, number of training examples) must be
     * those of the run, the differences named; the number of epochs (unless the schedule is a
     * cosine, which depends on it) and the patience may change.
     *
     * @param model a model built with the same layers as the run's
     * @param train the training examples of the run
     * @param validation the validation examples, or null
     * @param options the run's options; the epochs and patience may differ
     * @return what each epoch measured, the earlier epochs included
     * @throws org.marquee.engine.checkpoint.CheckpointException when the checkpoint cannot be read or belongs to another model
     * @throws IOException when a file cannot be read or written
     */
    public static FitResult resume(Sequential model, Examples train, Examples validation, FitOptions options) throws IOException {
        check(model, train, validation, options);
        if (options.checkpoints() == null) throw new IllegalArgumentException("resume needs the checkpoint folder of the run (FitOptions.withCheckpoints)");
        Path file = options.checkpoints().resolve(LAST);
        Path legacy = options.checkpoints().resolve(ModelFiles.LEGACY_STATE);
        if (!Files.exists(file) && Files.exists(legacy)) file = legacy;   // a run of the earlier format
        Checkpoint c = ModelFiles.readResumable(file, model);
        if (!c.run().isEmpty()) {
            var differences = c.run().differences(settings(train, options), Set.of());
            if (!differences.isEmpty()) {
                throw new IllegalArgumentException("cannot resume " + file + " exactly: "
                        + String.join(", ", differences.stream().map(Object::toString).toList()));
            }
        }
        if (c.training().epoch() > options.epochs()) {
            throw new IllegalArgumentException(file + " is after epoch " + c.training().epoch() + ", past the " + options.epochs() + " epochs asked for");
        }
        Path best = options.checkpoints().resolve(BEST);
        if (c.training().bestEpoch() > 0 && c.training().bestEpoch() == c.training().epoch() && !Files.isRegularFile(best)) {
            CheckpointFile.write(c, best);   // the run stopped between the two writes' renames
        }
        try (Optimizer adam = options.optimizer().open(model)) {
            try {
                Checkpoints.restore(c, model, adam);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, e.getMessage(), e);
            }
            model.setDropoutSeed(options.seed());
            TrainingState state = c.training();
            double[] average = c.extra(EMA).map(NamedArray::values).orElse(null);
            Validator validator = validation == null ? null : Validator.loss(validation, Math.min(options.batchSize(), train.size()), options.loss());
            Start start = new Start(state, TrainingLog.parse(state.log(), columns(validator), options.epochs()), average);
            return trainOn(model, adam, train, validator, options, start);
        }
    }

    private static FitResult trainOn(Sequential model, Optimizer adam, Examples train, Validator validator, FitOptions o, Start start)
            throws IOException {
        int batch = Math.min(o.batchSize(), train.size());
        try (ExamplesCompute compute = new ExamplesCompute(model, train, batch, o.transform(), o.positiveWeights(), o.loss())) {
            var recording = new Recording(Checkpoints.SEQUENTIAL, List.of(), settings(train, o), List.of());
            Session session = new Session(model, adam, compute, train.size(), validator, recording, null);
            return train(session, o, start);
        }
    }

    private static List<String> columns(Validator validator) {
        return validator == null ? List.of() : validator.columns();
    }

    /**
     * The one training loop: trains {@code s.model()} from {@code start} up to
     * {@code o.epochs()} epochs (or an early stop), as the class comment describes. The
     * options' transform and positive weights are the compute's business; the loop uses the rest.
     *
     * @param s what is trained, where its gradients are computed and how it is validated
     * @param o the run's options
     * @param start where the run starts
     * @return every epoch of the run (those before {@code start} too), the best epoch and its score
     * @throws IllegalStateException when training diverges; the files of the last good epoch stay
     * @throws IOException when a checkpoint or the log cannot be written
     */
    public static FitResult train(Session s, FitOptions o, Start start) throws IOException {
        Sequential model = s.model();
        Optimizer adam = s.optimizer();
        Backend backend = model.backend();
        FitListener listener = o.listener();
        Selection selection = o.selection();
        Validator validator = s.validator();
        int batch = Math.min(o.batchSize(), s.trainSize());
        int steps = s.trainSize() / batch;
        LearningRateSchedule schedule = o.schedule().forRun(o.optimizer().learningRate(), steps, o.epochs());
        TrainingState state = start.state();
        TrainingLog log = start.log();
        boolean stoppedEarly = false;
        double[] bestWeights = null;
        int bestWeightsEpoch = 0;
        try (WeightAverage ema = o.emaDecay() > 0 ? new WeightAverage(backend, model.parameters(), o.emaDecay()) : null) {
            if (ema != null && start.average() != null) ema.load(start.average());
            if (state.bestEpoch() == 0 && state.bestScore() == Double.POSITIVE_INFINITY) {
                state = state.withBestScore(selection.initial());   // a new run: nothing to beat yet
            }
            while (state.epoch() < o.epochs()) {
                if (validator != null && o.patience() > 0 && state.staleEpochs() >= o.patience()) {
                    stoppedEarly = true;
                    listener.stoppedEarly(String.format(Locale.ROOT, "early stop: no improvement of the %s for %d epochs (best %.4f at epoch %d)",
                            selection.label(), state.staleEpochs(), state.bestScore(), state.bestEpoch()));
                    break;
                }
                int epoch = state.epoch() + 1;
                long step = state.step();
                int[] order = permutation(s.trainSize(), o.seed(), epoch);
                long t0 = System.nanoTime();
                double lossSum = 0;
                listener.epochStarted(epoch, o.epochs(), steps, batch);
                for (int i = 0; i < steps; i++) {
                    double loss = s.compute().gradient(order, i * batch, step);
                    if (!Double.isFinite(loss)) throw diverged(o, epoch, "the training loss became " + loss + " at step " + step);
                    double lr = schedule.at(step);
                    adam.setLearningRate(lr);
                    adam.step(model.parameters(), model.gradients());
                    if (ema != null) ema.update();
                    step++;
                    lossSum += loss;
                    listener.stepEnded(epoch, i + 1, steps, lossSum / (i + 1), lr);
                }
                backend.synchronize();
                double trainSeconds = (System.nanoTime() - t0) / 1e9;
                listener.trainingStepsEnded(epoch);

                Map<String, Double> scores = Map.of();
                double score = Double.NaN;
                boolean improved = false;
                if (validator != null) {
                    scores = ema == null ? validator.validate(model) : ema.swapIn(() -> validator.validate(model));
                    double valLoss = scores.getOrDefault(Validator.LOSS, Double.NaN);
                    if (!Double.isFinite(valLoss)) throw diverged(o, epoch, "the validation loss is " + valLoss);
                    Double picked = scores.get(selection.metric());
                    if (picked == null) {
                        throw new IllegalArgumentException("the selection metric " + selection.metric() + " is not among the validator's "
                                + scores.keySet());
                    }
                    score = picked;
                    improved = selection.better(score, state.bestScore());
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                EpochRecord record = new EpochRecord(epoch, o.epochs(), lossSum / steps, scores, improved, score, seconds,
                        steps * (double) batch / trainSeconds);
                log.add(record);
                state = new TrainingState(o.seed(), epoch, step, improved ? score : state.bestScore(), improved ? epoch : state.bestEpoch(),
                        improved || validator == null ? 0 : state.staleEpochs() + 1, log.toCsv());
                save(s, o, state, log, improved, ema);
                if (improved && o.restoreBest()) {
                    bestWeights = ema != null ? ema.values() : model.parameters().toDoubles();
                    bestWeightsEpoch = epoch;
                }
                listener.epochEnded(record);
            }
            int restored = 0;
            if (o.restoreBest() && bestWeights == null && state.bestEpoch() > 0 && o.checkpoints() != null
                    && (state.bestEpoch() != state.epoch() || ema != null)) {
                // a resumed run whose best epoch came before it: its weights are in best.ckpt (best.weights for an earlier format's run)
                Path bestFile = o.checkpoints().resolve(BEST), legacyBest = o.checkpoints().resolve(ModelFiles.LEGACY_BEST);
                if (Files.isRegularFile(bestFile)) {
                    Checkpoint best = CheckpointFile.read(bestFile);
                    if (best.training().epoch() == state.bestEpoch()) {
                        bestWeights = ema == null ? best.weights() : best.extra(EMA).map(NamedArray::values).orElse(null);
                        bestWeightsEpoch = state.bestEpoch();
                    }
                } else if (ema == null && Files.isRegularFile(legacyBest)) {
                    ModelWeights.load(model, legacyBest);   // into the model itself: the run is over
                    bestWeights = model.parameters().toDoubles();
                    bestWeightsEpoch = state.bestEpoch();
                }
            }
            if (bestWeights != null && (bestWeightsEpoch != state.epoch() || ema != null)) {
                backend.upload(model.parameters(), bestWeights);
                restored = bestWeightsEpoch;
                listener.restoredBest(restored, selection.label());
            }
            return new FitResult(log.rows(), state.bestEpoch(), state.bestEpoch() == 0 ? Double.NaN : state.bestScore(), stoppedEarly, restored, state);
        }
    }

    private static void save(Session s, FitOptions o, TrainingState state, TrainingLog log, boolean improved, WeightAverage ema)
            throws IOException {
        Sequential model = s.model();
        if (o.checkpoints() == null) {
            double[] w = model.parameters().toDoubles();
            for (int i = 0; i < w.length; i++) {
                if (!Double.isFinite(w[i])) throw diverged(o, state.epoch(), "parameter " + i + " became " + w[i]);
            }
            return;
        }
        Recording r = s.recording();
        List<NamedArray> all = new ArrayList<>(r.extras());
        if (ema != null) all.add(new NamedArray(EMA, Checkpoints.precision(model), ema.values()));
        Checkpoint checkpoint = Checkpoints.snapshot(r.architecture(), model, s.optimizer(), r.labels(), state, r.run(), all);
        var bad = Checkpoints.nonFinite(checkpoint, model);
        if (bad.isPresent()) throw diverged(o, state.epoch(), bad.get());
        // best first: last.ckpt then never names a best epoch that best.ckpt does not hold yet
        if (improved) s.writer().write(checkpoint, o.checkpoints().resolve(BEST));
        s.writer().write(checkpoint, o.checkpoints().resolve(LAST));
        AtomicFiles.writeString(o.checkpoints().resolve(LOG), log.toCsv());
    }

    /**
     * The settings {@link #fit} records in checkpoints and {@link #resume} compares: those that
     * change the arithmetic of the run.
     *
     * @param train the training examples
     * @param o the options
     * @return the settings
     */
    static RunSettings settings(Examples train, FitOptions o) {
        var b = RunSettings.builder().put("seed", o.seed()).put("batch size", o.batchSize()).put("training examples", train.size());
        if (o.optimizer() instanceof org.marquee.engine.AdamConfig a) {
            b.put("learning rate", a.learningRate()).put("beta1", a.beta1()).put("beta2", a.beta2()).put("epsilon", a.epsilon());
        } else if (o.optimizer() instanceof org.marquee.engine.SgdConfig g) {
            b.put("optimizer", "sgd").put("learning rate", g.learningRate()).put("momentum", g.momentum()).put("nesterov", g.nesterov());
        }
        if (o.loss() != LossFunction.SIGMOID_CROSS_ENTROPY) b.put("loss", o.loss());
        return b.put("clip norm", o.optimizer().clipNorm()).put("weight decay", o.optimizer().weightDecay()).put("schedule", o.schedule().describe())
                .put("epochs", o.schedule().shape() == LearningRateSchedule.Shape.COSINE ? String.valueOf(o.epochs()) : "may change")
                .put("weight average", o.emaDecay()).put("selection", o.selection().metric())
                .put("transform", o.transform() == null ? "none" : "given")
                .put("positive weights", o.positiveWeights() == null ? "none" : Arrays.toString(o.positiveWeights().perGenre()))
                .build();
    }

    private static IllegalStateException diverged(FitOptions o, int epoch, String what) {
        String files = o.checkpoints() == null ? "" : "; " + LAST + " and " + BEST + " in " + o.checkpoints()
                + " were left as they were after epoch " + (epoch - 1);
        return new IllegalStateException("training diverged in epoch " + epoch + ": " + what + files
                + " (try a lower learning rate or a clip norm)");
    }

    /**
     * The visiting order of epoch {@code epoch}: a Fisher-Yates shuffle seeded by (seed, epoch) alone.
     *
     * @param n the number of examples
     * @param seed the run's seed
     * @param epoch the epoch, from 1
     * @return a permutation of 0..n-1
     */
    public static int[] permutation(int n, long seed, int epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom rnd = new SplittableRandom(DropoutHash.mix(seed, epoch, -1));
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * The mean sigmoid cross-entropy of {@code model} on {@code examples}, over examples and
     * outputs, in inference mode (no dropout), computed in double precision from the logits.
     *
     * @param model the model, ending in logits
     * @param examples the examples and their targets
     * @param batchSize the examples per forward pass
     * @return the mean loss
     */
    public static double evaluate(Sequential model, Examples examples, int batchSize) {
        return evaluate(model, examples, batchSize, LossFunction.SIGMOID_CROSS_ENTROPY);
    }

    /**
     * The mean of {@code loss} of {@code model} on {@code examples}, over examples and outputs, in
     * inference mode (no dropout), computed in double precision from the model's outputs.
     *
     * @param model the model
     * @param examples the examples and their targets
     * @param batchSize the examples per forward pass
     * @param loss the loss
     * @return the mean loss
     */
    public static double evaluate(Sequential model, Examples examples, int batchSize, LossFunction loss) {
        checkFits(model, examples, "the examples");
        double[] sum = {0};
        int g = examples.targetSize();
        infer(model, examples, batchSize, (row, z, zOffset, t, tOffset) -> sum[0] = loss.accumulateLoss(sum[0], z, zOffset, t, tOffset, g));
        return sum[0] / ((double) examples.size() * g);
    }

    /**
     * The sigmoid of the model's logits for every example, {@code [example][output]}, in inference mode.
     *
     * @param model the model, ending in logits
     * @param examples the examples
     * @param batchSize the examples per forward pass
     * @return the probabilities, [example][output]
     */
    public static float[][] predict(Sequential model, Examples examples, int batchSize) {
        return predict(model, examples, batchSize, LossFunction.SIGMOID_CROSS_ENTROPY);
    }

    /**
     * The model's predictions for every example, {@code [example][output]}, in inference mode, as
     * {@code loss} reads its outputs: the sigmoid of each logit, the softmax over the logits, or the outputs themselves.
     *
     * @param model the model
     * @param examples the examples
     * @param batchSize the examples per forward pass
     * @param loss the loss the model was trained with
     * @return the predictions, [example][output]
     */
    public static float[][] predict(Sequential model, Examples examples, int batchSize, LossFunction loss) {
        checkFits(model, examples, "the examples");
        float[][] out = new float[examples.size()][examples.targetSize()];
        infer(model, examples, batchSize, (row, z, zOffset, t, tOffset) -> loss.predictions(z, zOffset, out[row].length, out[row], 0));
        return out;
    }

    /**
     * The sigmoid of the model's logits for each input, in batches of {@link #PREDICT_BATCH}.
     *
     * @param model the model, ending in logits
     * @param inputs one flattened example per row
     * @return the probabilities, [input][output]
     */
    public static float[][] predict(Sequential model, float[][] inputs) {
        return predict(model, inputs, PREDICT_BATCH);
    }

    /**
     * The sigmoid of the model's logits for each input ({@code inputs[i]} holds one example of
     * the model's input shape, flattened), {@code [input][output]}, in inference mode.
     *
     * @param model the model, ending in logits
     * @param inputs one flattened example per row
     * @param batchSize the examples per forward pass
     * @return the probabilities, [input][output]
     */
    public static float[][] predict(Sequential model, float[][] inputs, int batchSize) {
        int outputs = Math.toIntExact(Shapes.size(model.outputShape()));
        float[][] zeros = new float[inputs.length][outputs];
        return predict(model, Examples.of(inputs, zeros, model.inputShape()), batchSize);
    }

    /** What {@link #infer} hands on for each real row: its logits and its targets. */
    private interface RowSink {
        void accept(int row, double[] logits, int logitOffset, float[] targets, int targetOffset);
    }

    /** Runs the model over every example in order; a short last batch is padded by repeating its last example. */
    private static void infer(Sequential model, Examples data, int batchSize, RowSink sink) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
        Backend backend = model.backend();
        int n = data.size(), g = data.targetSize();
        int batch = Math.min(batchSize, n);
        int[] indices = new int[batch];
        float[] inputs = new float[batch * data.inputSize()];
        float[] targets = new float[batch * g];
        try (Tensor x = backend.allocate(Shapes.withBatch(batch, model.inputShape()))) {
            for (int from = 0; from < n; from += batch) {
                int rows = Math.min(batch, n - from);
                for (int i = 0; i < batch; i++) indices[i] = from + Math.min(i, rows - 1);
                data.fill(indices, inputs, targets);
                backend.upload(x, inputs);
                double[] z = model.forward(x, false).toDoubles();
                for (int r = 0; r < rows; r++) sink.accept(from + r, z, r * g, targets, r * g);
            }
        }
    }

    private static void check(Sequential model, Examples train, Examples validation, FitOptions options) {
        if (model == null || train == null || options == null) throw new IllegalArgumentException("model, training examples and options are required");
        var layers = model.layers();
        if (layers.isEmpty() || model.parameterCount() == 0) throw new IllegalArgumentException("the model has no parameters to train");
        if (options.loss() == LossFunction.SIGMOID_CROSS_ENTROPY && layers.get(layers.size() - 1) instanceof Sigmoid) {
            throw new IllegalArgumentException("fit trains on the model's logits with sigmoid cross-entropy: build the model without"
                    + " .sigmoid() at the end (predict applies the sigmoid)");
        }
        String refusal = options.loss().refusal(model);
        if (refusal != null) throw new IllegalArgumentException(refusal);
        checkFits(model, train, "the training examples");
        if (validation != null) checkFits(model, validation, "the validation examples");
        if (options.patience() > 0 && validation == null) {
            throw new IllegalArgumentException("early stopping (patience " + options.patience() + ") needs validation examples");
        }
    }

    private static void checkFits(Sequential model, Examples data, String what) {
        if (data.size() < 1) throw new IllegalArgumentException(what + " are empty");
        if (!Arrays.equals(data.inputShape(), model.inputShape())) {
            throw new IllegalArgumentException(what + " have inputs of shape " + Arrays.toString(data.inputShape())
                    + " but the model takes " + Arrays.toString(model.inputShape()));
        }
        long outputs = Shapes.size(model.outputShape());
        if (data.targetSize() != outputs) {
            throw new IllegalArgumentException(what + " have " + data.targetSize() + " targets each but the model has "
                    + outputs + " outputs " + Arrays.toString(model.outputShape()));
        }
    }
}
