package org.marquee.engine.fit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.marquee.engine.Backend;
import org.marquee.engine.DropoutHash;
import org.marquee.engine.Losses;
import org.marquee.engine.Shapes;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Loss;
import org.marquee.engine.nn.Sequential;

/**
 * Trains, scores and runs any {@link Sequential} whose outputs are independent yes/no labels
 * (multi-label classification, a single binary label being the case of one output).
 *
 * <p><b>The loss.</b> The model's last layer gives logits z, one per target; training minimises
 * the engine's only loss, the sigmoid cross-entropy {@code max(z,0) - z·t + log(1 + e^-|z|)}
 * averaged over examples and outputs ({@link Loss#sigmoidCrossEntropy}), with Adam. So the model
 * must not end with {@code .sigmoid()}: {@link #predict} applies the sigmoid itself.
 *
 * <p><b>The run.</b> Each epoch visits the training examples in an order drawn from
 * (seed, epoch) alone (a Fisher-Yates shuffle), in full batches of {@code min(batchSize, size)}
 * examples (a trailing partial batch is left out that epoch, so every step has the same size),
 * with dropout masks keyed by (seed, layer, step). After each epoch the validation examples, if
 * given, are scored; the epoch with the lowest validation loss is the best, and with a patience
 * p &gt; 0 the run stops once p epochs in a row have not improved on it.
 *
 * <p><b>Checkpoints.</b> With {@link FitOptions#checkpoints()} set, each epoch writes
 * {@code best.weights} ({@link ModelWeights}' format) when it is the best so far, and then
 * {@code last.state}, the full state (weights, Adam's moments and step, epoch, step, seed and the
 * settings), from which {@link #resume} continues bit for bit as if the run had not stopped.
 * {@code best.weights} is written first, so {@code last.state} never names a best epoch whose
 * weights are not on disk yet. Both are written atomically.
 *
 * <p><b>Divergence.</b> A training or validation loss, or a parameter or moment, that is not
 * finite stops the run with an {@link IllegalStateException} before anything of that epoch is
 * written, so the files of the last good epoch stay.
 */
public final class Fit {
    /** The weights of the best epoch, in the checkpoint folder. */
    public static final String BEST = "best.weights";
    /** The state after the last finished epoch, in the checkpoint folder. */
    public static final String LAST = "last.state";
    /** The batch size {@link #predict(Sequential, float[][])} uses. */
    public static final int PREDICT_BATCH = 32;

    private Fit() {}

    /**
     * Trains {@code model} from its present weights on {@code train} for {@code options.epochs()}
     * epochs (fewer with early stopping), scoring {@code validation} after each (null: no
     * validation, hence no best epoch and no early stopping). A checkpoint folder that already
     * holds a {@code last.state} is refused: continue that run with {@link #resume} or choose
     * another folder.
     *
     * @param model the model to train, ending in logits (the loss applies the sigmoid)
     * @param train the training examples
     * @param validation the validation examples, or null
     * @param options epochs, batch size, Adam, seed, patience, checkpoint folder and listener
     * @return what each epoch measured and the best epoch
     * @throws IllegalArgumentException when the examples do not fit the model or the model ends with a sigmoid
     * @throws IllegalStateException    when training diverges
     * @throws IOException              when a checkpoint cannot be written; the message names the file
     */
    public static FitResult fit(Sequential model, Examples train, Examples validation, FitOptions options) throws IOException {
        check(model, train, validation, options);
        Path last = options.checkpoints() == null ? null : options.checkpoints().resolve(LAST);
        if (last != null && Files.exists(last)) {
            throw new IllegalStateException(last + " already exists: continue that run with Fit.resume, or give another checkpoint folder");
        }
        try (Adam adam = Adam.forModel(model, options.adam())) {
            model.setStep(0);
            return run(model, adam, train, validation, options, 0, Double.POSITIVE_INFINITY, 0, 0, new ArrayList<>());
        }
    }

    /**
     * Continues the run whose {@code last.state} is in {@code options.checkpoints()}: loads its
     * weights into {@code model} (built with the same layers) and Adam's state, and trains up to
     * {@code options.epochs()} epochs in all. The seed, batch size, Adam settings and number of
     * training examples must be those of the run (the differences are named); the number of
     * epochs and the patience may change.
     *
     * @param model a model built with the same layers as the run's
     * @param train the training examples of the run
     * @param validation the validation examples, or null
     * @param options the run's options; the epochs and patience may differ
     * @return what each epoch measured, the earlier epochs included
     * @throws ModelFileException when the state cannot be read or belongs to another model
     */
    public static FitResult resume(Sequential model, Examples train, Examples validation, FitOptions options) throws IOException {
        check(model, train, validation, options);
        if (options.checkpoints() == null) throw new IllegalArgumentException("resume needs the checkpoint folder of the run (FitOptions.withCheckpoints)");
        Path file = options.checkpoints().resolve(LAST);
        TrainingStateFile state = TrainingStateFile.read(file, model, options.epochs());
        List<String> differences = settings(train, options).differences(state.settings());
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("cannot resume " + file + " exactly: " + String.join(", ", differences));
        }
        try (Adam adam = Adam.forModel(model, options.adam())) {
            state.restore(model, adam);
            Path best = options.checkpoints().resolve(BEST);
            if (state.bestEpoch() > 0 && state.bestEpoch() == state.epoch() && !Files.isRegularFile(best)) {
                ModelWeights.save(model, best);   // the run stopped between the two writes' renames
            }
            return run(model, adam, train, validation, options, state.step(), state.bestLoss(), state.bestEpoch(),
                    state.staleEpochs(), new ArrayList<>(state.history()));
        }
    }

    private static FitResult run(Sequential model, Adam adam, Examples train, Examples validation, FitOptions o, long step,
                                 double bestLoss, int bestEpoch, int stale, List<EpochRecord> history) throws IOException {
        Backend backend = model.backend();
        FitListener listener = o.listener();
        int batch = Math.min(o.batchSize(), train.size());
        int steps = train.size() / batch;
        int targets = train.targetSize();
        int inputSize = train.inputSize();
        int[] indices = new int[batch];
        float[] inputs = new float[batch * inputSize];
        float[] labels = new float[batch * targets];
        model.setDropoutSeed(o.seed());
        boolean stoppedEarly = false;
        try (Tensor x = backend.allocate(Shapes.withBatch(batch, model.inputShape()));
             Tensor y = backend.allocate(Shapes.withBatch(batch, model.outputShape()));
             Tensor grad = backend.allocate(Shapes.withBatch(batch, model.outputShape()))) {
            while (history.size() < o.epochs()) {
                if (validation != null && o.patience() > 0 && stale >= o.patience()) {
                    stoppedEarly = true;
                    listener.stoppedEarly(String.format(Locale.ROOT, "early stop: no validation improvement for %d epochs (best %.4f at epoch %d)",
                            stale, bestLoss, bestEpoch));
                    break;
                }
                int epoch = history.size() + 1;
                int[] order = permutation(train.size(), o.seed(), epoch);
                long t0 = System.nanoTime();
                double lossSum = 0;
                for (int s = 0; s < steps; s++) {
                    System.arraycopy(order, s * batch, indices, 0, batch);
                    train.fill(indices, inputs, labels);
                    backend.upload(x, inputs);
                    backend.upload(y, labels);
                    model.setStep(step);
                    Tensor logits = model.forward(x, true);
                    double loss = Loss.sigmoidCrossEntropy(backend, logits, y, grad);
                    if (!Double.isFinite(loss)) throw diverged(o, epoch, "the training loss became " + loss + " at step " + step);
                    model.zeroGradients();
                    model.backward(grad);
                    adam.step(model.parameters(), model.gradients());
                    step++;
                    lossSum += loss;
                    listener.stepEnded(epoch, s + 1, steps, lossSum / (s + 1));
                }
                double valLoss = Double.NaN;
                boolean improved = false;
                if (validation != null) {
                    valLoss = evaluate(model, validation, batch);
                    if (!Double.isFinite(valLoss)) throw diverged(o, epoch, "the validation loss is " + valLoss);
                    improved = valLoss < bestLoss;
                    if (improved) {
                        bestLoss = valLoss;
                        bestEpoch = epoch;
                        stale = 0;
                    } else {
                        stale++;
                    }
                }
                EpochRecord record = new EpochRecord(epoch, o.epochs(), lossSum / steps, valLoss, improved, (System.nanoTime() - t0) / 1e9);
                history.add(record);
                if (o.checkpoints() == null) {
                    String bad = ModelFiles.firstNonFinite(model.parameters().toDoubles(), ModelFiles.tensors(model), "weights");
                    if (bad != null) throw diverged(o, epoch, bad);
                } else {
                    TrainingStateFile state = TrainingStateFile.snapshot(model, adam, settings(train, o), step, bestLoss, bestEpoch, stale,
                            history);
                    String bad = state.firstNonFinite(model);
                    if (bad != null) throw diverged(o, epoch, bad);
                    // best first: last.state then never names a best epoch whose weights are not on disk
                    if (improved) ModelWeights.save(model, o.checkpoints().resolve(BEST));
                    state.write(model, o.checkpoints().resolve(LAST));
                }
                listener.epochEnded(record);
            }
        }
        return new FitResult(history, bestEpoch, bestEpoch == 0 ? Double.NaN : bestLoss, stoppedEarly);
    }

    private static TrainingStateFile.Settings settings(Examples train, FitOptions o) {
        return new TrainingStateFile.Settings(o.seed(), o.batchSize(), train.size(), o.adam());
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
        checkFits(model, examples, "the examples");
        double[] sum = {0};
        int g = examples.targetSize();
        infer(model, examples, batchSize, (row, z, zOffset, t, tOffset) -> {
            for (int j = 0; j < g; j++) sum[0] += Losses.binaryCrossEntropy(z[zOffset + j], t[tOffset + j]);
        });
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
        checkFits(model, examples, "the examples");
        float[][] out = new float[examples.size()][examples.targetSize()];
        infer(model, examples, batchSize, (row, z, zOffset, t, tOffset) -> {
            for (int j = 0; j < out[row].length; j++) out[row][j] = (float) (1 / (1 + Math.exp(-z[zOffset + j])));
        });
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
        if (layers.get(layers.size() - 1).type().equals("Sigmoid")) {
            throw new IllegalArgumentException("fit trains on the model's logits with sigmoid cross-entropy: build the model without"
                    + " .sigmoid() at the end (predict applies the sigmoid)");
        }
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
