package org.marquee.engine.fit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Precision;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.Checkpoints;
import org.marquee.engine.checkpoint.OptimizerState;
import org.marquee.engine.checkpoint.RunSettings;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Sequential;

/**
 * Everything a {@link Fit} run needs to continue exactly where it stopped: the weights and Adam's
 * state in the backend's own precision (8-byte doubles from a float64 backend, 4-byte floats
 * otherwise, both exact), the settings that decide the arithmetic and where the run stands. The
 * file, {@code last.state}, is a full checkpoint of the one model-file format ({@link CheckpointFile}):
 *
 * <ul>
 *   <li>model: architecture "sequential", the model description with every tensor;
 *   <li>training: seed, epochs done, steps done, best validation loss, best epoch, epochs without
 *       improvement, and the history as its log, one line per epoch: train loss, validation loss,
 *       best (true/false), seconds;
 *   <li>run settings: seed, batch size, training examples, learning rate, beta1, beta2, epsilon,
 *       clip norm, weight decay;
 *   <li>weights and the optimizer "adam" with its step and arrays "m" and "v".
 * </ul>
 *
 * Files of the earlier format, "MRQSTAT" version 1, are still read:
 *
 * <pre>
 *   8 bytes   magic "MRQSTAT" + 0x1A
 *   int       format version (1)
 *   model     the model description of {@link ModelFiles}: input shape, tensor names and shapes
 *   settings  long seed, int batch size, int training examples,
 *             double learning rate, beta1, beta2, epsilon, clip norm, weight decay
 *   progress  int epochs done, long steps done, double best validation loss, int best epoch,
 *             int epochs without improvement
 *   history   int count E, then E times: double train loss, double validation loss, byte best, double seconds
 *   arrays    byte element size (4 or 8), long count P, P weights, long Adam step t, P values of m, P of v
 *   long      CRC32 of every byte above
 * </pre>
 */
record TrainingStateFile(Settings settings, int epoch, long step, double bestLoss, int bestEpoch, int staleEpochs,
                         List<EpochRecord> history, int elementBytes, double[] weights, long adamT, double[] m, double[] v) {
    /** The version of the earlier format ("MRQSTAT"), still read. */
    static final int VERSION = 1;
    static final byte[] MAGIC = {'M', 'R', 'Q', 'S', 'T', 'A', 'T', 0x1A};

    /** What must stay the same for a resumed run to continue as if it had not stopped. */
    record Settings(long seed, int batchSize, int trainingExamples, AdamConfig adam) {
        Map<String, String> values() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("seed", Long.toString(seed));
            m.put("batch size", Integer.toString(batchSize));
            m.put("training examples", Integer.toString(trainingExamples));
            m.put("learning rate", Double.toString(adam.learningRate()));
            m.put("beta1", Double.toString(adam.beta1()));
            m.put("beta2", Double.toString(adam.beta2()));
            m.put("epsilon", Double.toString(adam.epsilon()));
            m.put("clip norm", Double.toString(adam.clipNorm()));
            m.put("weight decay", Double.toString(adam.weightDecay()));
            return m;
        }

        /** The settings recorded in a checkpoint's run settings, by the keys of {@link #values()}. */
        static Settings of(RunSettings run, Path file) throws ModelFileException {
            try {
                AdamConfig adam = new AdamConfig(number(run, "learning rate", file), number(run, "beta1", file), number(run, "beta2", file),
                        number(run, "epsilon", file), number(run, "clip norm", file), number(run, "weight decay", file));
                return new Settings(Long.parseLong(setting(run, "seed", file)), Integer.parseInt(setting(run, "batch size", file)),
                        Integer.parseInt(setting(run, "training examples", file)), adam);
            } catch (NumberFormatException e) {
                throw new ModelFileException(file, "corrupted run settings: " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(file, "corrupted Adam settings: " + e.getMessage(), e);
            }
        }

        private static String setting(RunSettings run, String key, Path file) throws ModelFileException {
            return run.get(key).orElseThrow(() -> new ModelFileException(file, "not a training state: its run setting '" + key + "' is missing"));
        }

        private static double number(RunSettings run, String key, Path file) throws ModelFileException {
            return Double.parseDouble(setting(run, key, file));
        }

        /** The settings that differ, "batch size 16 (the run had 8)", or an empty list. */
        List<String> differences(Settings run) {
            List<String> out = new ArrayList<>();
            Map<String, String> mine = values(), theirs = run.values();
            for (var e : mine.entrySet()) {
                String other = theirs.get(e.getKey());
                if (!e.getValue().equals(other)) out.add(e.getKey() + " " + e.getValue() + " (the run had " + other + ")");
            }
            return out;
        }
    }

    String firstNonFinite(Sequential model) {
        var tensors = ModelFiles.tensors(model);
        String bad = ModelFiles.firstNonFinite(weights, tensors, "weights");
        if (bad == null) bad = ModelFiles.firstNonFinite(m, tensors, "Adam m");
        if (bad == null) bad = ModelFiles.firstNonFinite(v, tensors, "Adam v");
        return bad;
    }

    /**
     * Reads a file of the earlier format ("MRQSTAT", version 1), checking that it describes
     * {@code model} (the first difference is named) and holds only finite values; {@code epochs}
     * is the run's total, for the history's records.
     */
    static TrainingStateFile read(Path file, Sequential model, int epochs) throws IOException {
        try (ModelFiles.Reader r = new ModelFiles.Reader(file)) {
            r.expectMagic(MAGIC, "a Marquee training state");
            int version = r.readInt("the format version");
            if (version != VERSION) throw r.error("format version " + version + " is not supported (this build reads version " + VERSION + ")");
            ModelFiles.StoredModel stored = r.readModel();
            String mismatch = stored.mismatch(model);
            if (mismatch != null) throw r.error("does not fit the model: " + mismatch);
            long seed = r.readLong("the seed");
            int batch = r.readInt("the batch size");
            int examples = r.readInt("the number of training examples");
            AdamConfig adam;
            try {
                adam = new AdamConfig(r.readDouble("the learning rate"), r.readDouble("beta1"), r.readDouble("beta2"),
                        r.readDouble("epsilon"), r.readDouble("the clip norm"), r.readDouble("the weight decay"));
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(file, "corrupted Adam settings: " + e.getMessage(), e);
            }
            int epoch = r.readInt("the epoch");
            long step = r.readLong("the step");
            double bestLoss = r.readDouble("the best validation loss");
            int bestEpoch = r.readInt("the best epoch");
            int stale = r.readInt("the epochs without improvement");
            int count = r.readInt("the history's length");
            if (batch < 1 || examples < 1 || epoch < 0 || step < 0 || bestEpoch < 0 || bestEpoch > epoch || stale < 0 || stale > epoch
                    || count != epoch) {
                throw r.error("corrupted: batch size " + batch + ", " + examples + " examples, epoch " + epoch + ", step " + step
                        + ", best epoch " + bestEpoch + ", stale epochs " + stale + ", history of " + count);
            }
            if (epoch > epochs) {
                throw r.error("the run has already done " + epoch + " epochs, more than the " + epochs + " asked for");
            }
            List<EpochRecord> history = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                double train = r.readDouble("the history"), val = r.readDouble("the history");
                boolean best = r.readByte("the history") != 0;
                double seconds = r.readDouble("the history");
                history.add(new EpochRecord(i + 1, Math.max(epochs, count), train, Double.isNaN(val) ? Map.of() : Map.of(Validator.LOSS, val),
                        best, Double.NaN, seconds, Double.NaN));
            }
            int bytes = r.readByte("the element size");
            if (bytes != 4 && bytes != 8) throw r.error("corrupted: element size " + bytes + " (expected 4 or 8)");
            long p = r.readLong("the parameter count");
            if (p != stored.parameterCount()) throw r.error("corrupted: " + p + " values stored but the tensors hold " + stored.parameterCount());
            double[] weights = r.readValues(p, bytes, "the weights");
            long t = r.readLong("Adam's step");
            if (t < 0) throw r.error("corrupted: Adam's step is " + t);
            double[] m = r.readValues(p, bytes, "Adam m");
            double[] v = r.readValues(p, bytes, "Adam v");
            r.finish();
            TrainingStateFile s = new TrainingStateFile(new Settings(seed, batch, examples, adam), epoch, step, bestLoss, bestEpoch, stale,
                    history, bytes, weights, t, m, v);
            String bad = s.firstNonFinite(model);
            if (bad != null) throw r.error("unusable: " + bad);
            return s;
        }
    }

    /**
     * This state as a checkpoint of the one format, as {@link Fit#resume} reads it: the settings
     * under the names {@link Fit} records (with the values a run of this format implied: a constant
     * learning rate, no weight average, selection by the loss, no transform, no positive weights),
     * the history as the epoch log.
     */
    org.marquee.engine.checkpoint.Checkpoint toCheckpoint(Sequential model) {
        var run = org.marquee.engine.checkpoint.RunSettings.builder();
        settings.values().forEach(run::put);
        run.put("schedule", "constant").put("epochs", "may change").put("weight average", 0.0).put("selection", Validator.LOSS)
                .put("transform", "none").put("positive weights", "none");
        TrainingLog log = new TrainingLog(history.stream().anyMatch(e -> !e.scores().isEmpty()) ? List.of(Validator.LOSS) : List.of());
        history.forEach(log::add);
        var precision = elementBytes == 8 ? org.marquee.engine.checkpoint.Checkpoint.Precision.FLOAT64
                : org.marquee.engine.checkpoint.Checkpoint.Precision.FLOAT32;
        var state = new org.marquee.engine.checkpoint.TrainingState(settings.seed(), epoch, step,
                bestEpoch == 0 ? Double.POSITIVE_INFINITY : bestLoss, bestEpoch, staleEpochs, log.toCsv());
        return new org.marquee.engine.checkpoint.Checkpoint(org.marquee.engine.checkpoint.Checkpoints.spec(
                org.marquee.engine.checkpoint.Checkpoints.SEQUENTIAL, model), List.of(), state, precision, weights,
                org.marquee.engine.checkpoint.OptimizerState.adam(precision, adamT, m, v), run.build(), List.of());
    }

    void restore(Sequential model, Adam adam) {
        model.backend().upload(model.parameters(), weights);
        model.backend().upload(adam.m(), m);
        model.backend().upload(adam.v(), v);
        adam.setIterations(adamT);
        model.setStep(step);
    }
}
