package org.marquee.engine.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.engine.Backend;
import org.marquee.engine.Losses;
import org.marquee.engine.Tensor;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

/** Training any Sequential through the library API, on the exact float64 reference backend. */
class FitTest {
    private final Backend ref = new ReferenceBackend();

    /** 6 inputs, 3 labels: label j is on when input j is positive (learnable), with dropout so the step counter matters. */
    private Sequential.Builder net() {
        return Sequential.builder(ref, 6).dense(12).relu().dropout(0.25).dense(3);
    }

    /** {@code n} examples of the rule above; {@code inverted} flips every label. */
    static Examples data(int n, long seed, boolean inverted) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][6], y = new float[n][3];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 6; j++) x[i][j] = (float) r.nextGaussian();
            for (int j = 0; j < 3; j++) y[i][j] = (x[i][j] > 0) != inverted ? 1 : 0;
        }
        return Examples.of(x, y);
    }

    private static FitOptions quiet() {
        return FitOptions.defaults().withBatchSize(8).withLearningRate(0.01).withListener(FitListener.SILENT);
    }

    @Test
    void fitLowersTheLossAndReportsEveryEpoch() throws Exception {
        Sequential model = net().build(3);
        Examples train = data(64, 1, false), val = data(32, 2, false);
        double before = Fit.evaluate(model, val, 16);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> steps = new ArrayList<>();
        FitListener printing = FitListener.printing(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        FitResult result = Fit.fit(model, train, val, quiet().withEpochs(6).withListener(new FitListener() {
            @Override public void epochEnded(EpochRecord e) { printing.epochEnded(e); }
            @Override public void stepEnded(int epoch, int step, int of, double loss) { steps.add(epoch + ":" + step + "/" + of); }
        }));

        assertEquals(6, result.history().size());
        assertEquals(6 * 8, steps.size(), "64 examples in batches of 8: 8 steps an epoch");
        assertEquals("6:8/8", steps.get(steps.size() - 1));
        double[] trainLoss = result.trainLosses();
        assertTrue(trainLoss[5] < trainLoss[0] - 0.1, Arrays.toString(trainLoss));
        double after = Fit.evaluate(model, val, 16);
        assertTrue(after < before - 0.1, before + " -> " + after);
        assertTrue(result.bestEpoch() >= 1 && result.bestEpoch() <= 6);
        assertEquals(result.history().get(result.bestEpoch() - 1).validationLoss(), after, 1e-12, "the model holds the best epoch's weights");
        assertEquals(result.history().get(result.bestEpoch() - 1).validationLoss(), result.bestValidationLoss(), 0);
        assertFalse(result.stoppedEarly());
        String[] lines = bytes.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("epoch ")).toArray(String[]::new);
        assertEquals(6, lines.length);
        assertTrue(lines[0].matches("epoch 1/6  train loss \\d\\.\\d{4}  val loss \\d\\.\\d{4}  \\d+\\.\\d s  \\* best"), lines[0]);
    }

    @Test
    void theSameSeedGivesTheSameRun() throws Exception {
        Sequential a = net().build(3), b = net().build(3);
        FitResult ra = Fit.fit(a, data(40, 1, false), null, quiet().withEpochs(2));
        FitResult rb = Fit.fit(b, data(40, 1, false), null, quiet().withEpochs(2));
        assertArrayEquals(a.parameters().toDoubles(), b.parameters().toDoubles());
        assertArrayEquals(ra.trainLosses(), rb.trainLosses());
        assertEquals(0, ra.bestEpoch(), "no validation, no best epoch");
        assertTrue(Double.isNaN(ra.last().validationLoss()));

        Sequential c = net().build(3);
        Fit.fit(c, data(40, 1, false), null, quiet().withEpochs(2).withSeed(2));
        assertFalse(Arrays.equals(a.parameters().toDoubles(), c.parameters().toDoubles()), "another seed, another order and dropout");
    }

    @Test
    void threeEpochsEqualTwoPlusAResumedOne(@TempDir Path dir) throws Exception {
        Examples train = data(60, 1, false), val = data(24, 2, false);   // 60 = 7 batches of 8 and 4 left out
        Sequential straight = net().build(3);
        FitResult full = Fit.fit(straight, train, val, quiet().withEpochs(3).withCheckpoints(dir.resolve("a")));

        Sequential first = net().build(3);
        Fit.fit(first, train, val, quiet().withEpochs(2).withCheckpoints(dir.resolve("b")));
        Sequential resumed = net().build(99);   // other initial weights and dropout seed: all of it must come from the state
        FitResult rest = Fit.resume(resumed, train, val, quiet().withEpochs(3).withCheckpoints(dir.resolve("b")));

        assertArrayEquals(straight.parameters().toDoubles(), resumed.parameters().toDoubles(), "bit-identical weights");
        assertEquals(straight.step(), resumed.step());
        assertArrayEquals(full.trainLosses(), rest.trainLosses());
        assertArrayEquals(full.validationLosses(), rest.validationLosses());
        assertEquals(full.bestEpoch(), rest.bestEpoch());
        assertEquals(Fit.evaluate(straight, val, 5), Fit.evaluate(resumed, val, 5), 0);

        // the best epoch's weights are on disk in both runs and agree
        assertTrue(Files.isRegularFile(dir.resolve("a").resolve(Fit.BEST)));
        Sequential bestA = net().build(0), bestB = net().build(0);
        ModelWeights.load(bestA, dir.resolve("a").resolve(Fit.BEST));
        ModelWeights.load(bestB, dir.resolve("b").resolve(Fit.BEST));
        assertArrayEquals(bestA.parameters().toDoubles(), bestB.parameters().toDoubles());
        assertEquals(full.bestValidationLoss(), Fit.evaluate(bestA, val, 8), 1e-5, "best.weights holds the best epoch (as float32)");
    }

    @Test
    void resumeRefusesChangedSettingsAndFitRefusesAnExistingRun(@TempDir Path dir) throws Exception {
        Examples train = data(32, 1, false), val = data(16, 2, false);
        Fit.fit(net().build(3), train, val, quiet().withEpochs(1).withCheckpoints(dir));

        var fresh = assertThrows(IllegalStateException.class, () -> Fit.fit(net().build(3), train, val, quiet().withCheckpoints(dir)));
        assertTrue(fresh.getMessage().contains(dir.resolve(Fit.LAST).toString()) && fresh.getMessage().contains("Fit.resume"), fresh.getMessage());

        var changed = assertThrows(IllegalArgumentException.class,
                () -> Fit.resume(net().build(3), train, val, quiet().withBatchSize(4).withLearningRate(0.02).withCheckpoints(dir)));
        assertTrue(changed.getMessage().contains("batch size was 8, now 4"), changed.getMessage());
        assertTrue(changed.getMessage().contains("learning rate was 0.01, now 0.02"), changed.getMessage());

        Sequential other = Sequential.builder(ref, 6).dense(10).relu().dense(3).build(1);
        var mismatch = assertThrows(org.marquee.engine.checkpoint.CheckpointException.class,
                () -> Fit.resume(other, train, val, quiet().withCheckpoints(dir)));
        assertTrue(mismatch.getMessage().contains(dir.resolve(Fit.LAST).toString()), mismatch.getMessage());
        assertTrue(mismatch.getMessage().contains("dense_1/kernel [6, 12] in the file but dense_1/kernel [6, 10] in the model"),
                mismatch.getMessage());

        // a run stopped between writing last.state and best.weights of its best epoch gets best.weights back on resume
        Files.delete(dir.resolve(Fit.BEST));
        Sequential again = net().build(5);
        FitResult nothingLeft = Fit.resume(again, train, val, quiet().withEpochs(1).withCheckpoints(dir));
        assertEquals(1, nothingLeft.history().size());
        Sequential best = net().build(0);
        ModelWeights.load(best, dir.resolve(Fit.BEST));
        for (int i = 0; i < best.parameterCount(); i++) {
            assertEquals(again.parameters().toDoubles()[i], best.parameters().toDoubles()[i], 0);
        }

        var missing = assertThrows(org.marquee.engine.checkpoint.CheckpointException.class,
                () -> Fit.resume(net().build(3), train, val, quiet().withCheckpoints(dir.resolve("none"))));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    }

    @Test
    void earlyStoppingStopsWhenTheValidationLossStopsFalling(@TempDir Path dir) throws Exception {
        // the validation labels are the opposite of the training labels: learning makes the validation loss worse
        List<String> said = new ArrayList<>();
        FitListener listener = new FitListener() {
            @Override public void epochEnded(EpochRecord e) {}
            @Override public void stoppedEarly(String reason) { said.add(reason); }
        };
        FitResult r = Fit.fit(net().build(3), data(64, 1, false), data(32, 2, true),
                quiet().withEpochs(20).withPatience(2).withCheckpoints(dir).withListener(listener));
        assertTrue(r.stoppedEarly());
        assertEquals(r.bestEpoch() + 2, r.history().size(), "two epochs without improvement, then stop");
        assertTrue(r.history().size() < 20);
        assertEquals(1, said.size());
        assertTrue(said.get(0).startsWith("early stop: no improvement of the validation loss for 2 epochs"), said.get(0));

        // a resumed run that has used up its patience stops at once
        FitResult again = Fit.resume(net().build(3), data(64, 1, false), data(32, 2, true),
                quiet().withEpochs(20).withPatience(2).withCheckpoints(dir));
        assertTrue(again.stoppedEarly());
        assertEquals(r.history().size(), again.history().size());
    }

    @Test
    void divergenceStopsBeforeWritingAnything(@TempDir Path dir) throws Exception {
        Examples good = data(32, 1, false);
        // data that turn into NaN in epoch 2
        Examples poisoned = new Examples() {
            int calls;
            @Override public int size() { return good.size(); }
            @Override public int[] inputShape() { return good.inputShape(); }
            @Override public int targetSize() { return good.targetSize(); }
            @Override public void fill(int[] indices, float[] inputs, float[] targets) {
                good.fill(indices, inputs, targets);
                if (++calls > 4) inputs[0] = Float.NaN;   // 4 steps an epoch
            }
        };
        Sequential model = net().build(3);
        var e = assertThrows(IllegalStateException.class,
                () -> Fit.fit(model, poisoned, data(16, 2, false), quiet().withEpochs(3).withCheckpoints(dir)));
        assertTrue(e.getMessage().startsWith("training diverged in epoch 2: the training loss became NaN at step 4"), e.getMessage());
        assertTrue(e.getMessage().contains("were left as they were after epoch 1"), e.getMessage());
        var last = CheckpointFile.read(dir.resolve(Fit.LAST)).training();
        assertEquals(1, last.epoch());
        assertEquals(4, last.step());
    }

    @Test
    void evaluateAndPredictMatchTheLogits() {
        Sequential model = net().build(3);
        Examples ex = data(7, 5, false);
        float[][] x = new float[7][6], y = new float[7][3];
        int[] all = {0, 1, 2, 3, 4, 5, 6};
        float[] flatX = new float[7 * 6], flatY = new float[7 * 3];
        ex.fill(all, flatX, flatY);
        for (int i = 0; i < 7; i++) {
            System.arraycopy(flatX, i * 6, x[i], 0, 6);
            System.arraycopy(flatY, i * 3, y[i], 0, 3);
        }
        Tensor in = ref.allocate(7, 6);
        ref.upload(in, flatX);
        double[] z = model.forward(in, false).toDoubles();
        double loss = 0;
        for (int k = 0; k < z.length; k++) loss += Losses.binaryCrossEntropy(z[k], flatY[k]);
        loss /= z.length;

        for (int batch : new int[] {1, 3, 7, 50}) {
            assertEquals(loss, Fit.evaluate(model, ex, batch), 1e-12, "batch " + batch);
            float[][] p = Fit.predict(model, x, batch);
            for (int i = 0; i < 7; i++) {
                for (int j = 0; j < 3; j++) assertEquals((float) (1 / (1 + Math.exp(-z[i * 3 + j]))), p[i][j], 1e-7f, "batch " + batch);
            }
        }
        assertArrayEquals(Fit.predict(model, x, 3), Fit.predict(model, Examples.of(x, y), 3));
    }

    @Test
    void refusesWhatDoesNotFit() {
        Examples ex = data(8, 1, false);
        var sigmoid = assertThrows(IllegalArgumentException.class,
                () -> Fit.fit(Sequential.builder(ref, 6).dense(3).sigmoid().build(1), ex, null, quiet()));
        assertTrue(sigmoid.getMessage().contains("without .sigmoid()"), sigmoid.getMessage());
        var targets = assertThrows(IllegalArgumentException.class,
                () -> Fit.fit(Sequential.builder(ref, 6).dense(4).build(1), ex, null, quiet()));
        assertEquals("the training examples have 3 targets each but the model has 4 outputs [4]", targets.getMessage());
        var shape = assertThrows(IllegalArgumentException.class,
                () -> Fit.evaluate(Sequential.builder(ref, 2, 3).flatten().dense(3).build(1), ex, 4));
        assertEquals("the examples have inputs of shape [6] but the model takes [2, 3]", shape.getMessage());
        var patience = assertThrows(IllegalArgumentException.class,
                () -> Fit.fit(net().build(1), ex, null, quiet().withPatience(3)));
        assertTrue(patience.getMessage().contains("needs validation examples"), patience.getMessage());
    }

    @Test
    void examplesAndOptionsAreValidated() {
        float[][] x = {{1, 2}, {3, 4}};
        assertEquals("inputs[1] has 1 values but the input shape [2] needs 2",
                assertThrows(IllegalArgumentException.class, () -> Examples.of(new float[][] {{1, 2}, {3}}, new float[][] {{1}, {0}})).getMessage());
        assertEquals("targets[1][0] is 2.0, not in [0, 1]",
                assertThrows(IllegalArgumentException.class, () -> Examples.of(x, new float[][] {{1}, {2}})).getMessage());
        assertEquals("inputs[0][1] is NaN",
                assertThrows(IllegalArgumentException.class, () -> Examples.of(new float[][] {{1, Float.NaN}}, new float[][] {{1}})).getMessage());
        assertEquals("2 inputs but 1 targets",
                assertThrows(IllegalArgumentException.class, () -> Examples.of(x, new float[][] {{1}})).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Examples.of(x, new float[][] {{1}, {0}}, 3));
        Examples shaped = Examples.of(new float[][] {{1, 2, 3, 4, 5, 6}}, new float[][] {{1}}, 2, 3);
        assertArrayEquals(new int[] {2, 3}, shaped.inputShape());
        assertEquals(6, shaped.inputSize());

        x[0][0] = 9;   // copied: later changes to the caller's arrays do not reach the examples
        Examples copy = Examples.of(new float[][] {{1, 2}}, new float[][] {{1}});
        float[] in = new float[2], out = new float[1];
        copy.fill(new int[] {0}, in, out);
        assertArrayEquals(new float[] {1, 2}, in);

        assertThrows(IllegalArgumentException.class, () -> FitOptions.defaults().withEpochs(0));
        assertThrows(IllegalArgumentException.class, () -> FitOptions.defaults().withBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> FitOptions.defaults().withPatience(-1));
        assertThrows(IllegalArgumentException.class, () -> FitOptions.defaults().withListener(null));
        FitOptions o = FitOptions.defaults().withEpochs(4).withSeed(7).withLearningRate(0.5);
        assertEquals(4, o.epochs());
        assertEquals(7, o.seed());
        assertEquals(0.5, o.optimizer().learningRate());
        assertEquals(32, o.batchSize());
    }

    @Test
    void theModelEndsWithTheBestEpochsWeightsAndSaysSo() throws Exception {
        // the validation labels are the opposite of the training labels: the first epoch is the best
        Examples train = data(64, 1, false), val = data(32, 2, true);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Sequential model = net().build(3);
        FitResult r = Fit.fit(model, train, val, quiet().withEpochs(4).withListener(FitListener.printing(new PrintStream(bytes, true,
                StandardCharsets.UTF_8))));
        assertEquals(1, r.bestEpoch(), Arrays.toString(r.validationLosses()));
        assertEquals(1, r.restoredEpoch());
        assertEquals(r.history().get(0).validationLoss(), Fit.evaluate(model, val, 8), 1e-12);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("the model holds the weights of epoch 1, the best by validation loss"),
                bytes.toString(StandardCharsets.UTF_8));

        Sequential last = net().build(3);
        FitResult kept = Fit.fit(last, train, val, quiet().withEpochs(4).withRestoreBest(false));
        assertEquals(0, kept.restoredEpoch());
        assertEquals(kept.last().validationLoss(), Fit.evaluate(last, val, 8), 1e-12, "without restoring, the last epoch's weights stay");
        assertTrue(kept.last().validationLoss() > r.bestScore());
    }

    /** Every training feature of the loop through FitOptions, and three epochs equal two plus a resumed one with all of them on. */
    @Test
    void everyFeatureThroughFitOptionsResumesBitIdentically(@TempDir Path dir) throws Exception {
        Examples train = data(60, 1, false), val = data(24, 2, false);
        ExampleTransform jitter = (in, off, shape, step, row) -> in[off] += 0.01f * (float) ((step * 31 + row) % 7);
        FitOptions all = quiet().withEpochs(4).withCosineSchedule(1).withWeightAverage(0.9).withClipNorm(0.05).withWeightDecay(0.01)
                .withTransform(jitter).withPositiveWeights(new PositiveWeights(new double[] {2, 1, 3})).withSelection(Selection.LOSS)
                .withRestoreBest(false);
        Sequential straight = net().build(3);
        FitResult full = Fit.fit(straight, train, val, all.withCheckpoints(dir.resolve("a")));
        Sequential first = net().build(3);
        var stopped = assertThrows(IllegalStateException.class, () -> Fit.fit(first, train, val, all.withCheckpoints(dir.resolve("b"))
                .withListener(new FitListener() {
                    @Override public void epochEnded(EpochRecord e) {
                        if (e.epoch() == 2) throw new IllegalStateException("stopped after epoch 2");
                    }
                })));
        assertEquals("stopped after epoch 2", stopped.getMessage());
        Sequential resumed = net().build(99);
        FitResult rest = Fit.resume(resumed, train, val, all.withCheckpoints(dir.resolve("b")));
        assertArrayEquals(straight.parameters().toDoubles(), resumed.parameters().toDoubles(), "bit-identical weights");
        assertArrayEquals(full.trainLosses(), rest.trainLosses());
        assertArrayEquals(full.validationLosses(), rest.validationLosses());
        assertEquals(Files.readString(dir.resolve("a").resolve(Fit.LOG)).lines().map(l -> l.substring(0, l.lastIndexOf(',', l.lastIndexOf(',') - 1))).toList(),
                Files.readString(dir.resolve("b").resolve(Fit.LOG)).lines().map(l -> l.substring(0, l.lastIndexOf(',', l.lastIndexOf(',') - 1))).toList(),
                "the same log but for the timings");
        var ema = CheckpointFile.read(dir.resolve("b").resolve(Fit.LAST)).extra(Fit.EMA);
        assertTrue(ema.isPresent(), "the weight average is in the checkpoint");

        // each feature changes the run: without any of them the weights differ
        for (FitOptions less : List.of(all.withSchedule(LearningRateSchedule.Plan.constant()), all.withWeightAverage(0), all.withClipNorm(0),
                all.withWeightDecay(0), all.withTransform(null), all.withPositiveWeights(null))) {
            Sequential other = net().build(3);
            FitResult r = Fit.fit(other, train, val, less);
            assertFalse(Arrays.equals(straight.parameters().toDoubles(), other.parameters().toDoubles())
                    && Arrays.equals(full.validationLosses(), r.validationLosses()), less.toString());
        }
    }

    @Test
    void aValidatorsOwnMetricSelectsTheBestEpochAndIsLogged(@TempDir Path dir) throws Exception {
        Examples train = data(64, 1, false), val = data(32, 2, false);
        // a metric that prefers the second epoch whatever the loss does
        int[] calls = {0};
        Validator validator = Validator.loss(val, 8).and("second", m -> ++calls[0] == 2 ? 1 : 0);
        Sequential model = net().build(3);
        FitResult r = Fit.fitValidating(model, train, validator, quiet().withEpochs(4).withSelection(Selection.highest("second"))
                .withCheckpoints(dir));
        assertEquals(2, r.bestEpoch());
        assertEquals(1.0, r.bestScore());
        assertEquals(2, CheckpointFile.read(dir.resolve(Fit.BEST)).training().epoch());
        String csv = Files.readString(dir.resolve(Fit.LOG));
        assertTrue(csv.startsWith("epoch,train_loss,val_loss,second,seconds,images_per_s\n"), csv);
        assertEquals(5, csv.lines().count());
        var unknown = assertThrows(IllegalArgumentException.class, () -> Fit.fitValidating(net().build(3), train, validator,
                quiet().withEpochs(1).withSelection(Selection.highest("nope"))));
        assertTrue(unknown.getMessage().contains("nope is not among the validator's [val_loss, second]"), unknown.getMessage());
    }

    /** SGD with momentum, the softmax cross-entropy and the mean squared error through FitOptions: each learns, and SGD resumes exactly. */
    @Test
    void otherLossesAndSgdTrainThroughFitOptions(@TempDir Path dir) throws Exception {
        Examples train = data(64, 1, false), val = data(32, 2, false);
        FitOptions sgd = quiet().withOptimizer(new org.marquee.engine.SgdConfig(0.1, 0.9)).withEpochs(3).withRestoreBest(false);
        Sequential straight = net().build(3);
        double before = Fit.evaluate(straight, val, 8);
        FitResult full = Fit.fit(straight, train, val, sgd.withCheckpoints(dir.resolve("a")));
        assertTrue(full.last().validationLoss() < before - 0.05, before + " -> " + full.last().validationLoss());
        var saved = CheckpointFile.read(dir.resolve("a").resolve(Fit.LAST));
        assertEquals("sgd", saved.optimizer().name());
        assertTrue(saved.optimizer().array("velocity").isPresent(), "the momentum is in the checkpoint");
        Fit.fit(net().build(3), train, val, sgd.withEpochs(2).withCheckpoints(dir.resolve("b")));
        Sequential resumed = net().build(99);
        Fit.resume(resumed, train, val, sgd.withCheckpoints(dir.resolve("b")));
        assertArrayEquals(straight.parameters().toDoubles(), resumed.parameters().toDoubles(), "SGD resumes bit for bit");
        var adamFolder = assertThrows(IllegalArgumentException.class,
                () -> Fit.resume(net().build(3), train, val, quiet().withEpochs(3).withCheckpoints(dir.resolve("b"))));
        assertTrue(adamFolder.getMessage().contains("optimizer was sgd, now not set")
                || adamFolder.getMessage().contains("learning rate was 0.1"), adamFolder.getMessage());

        // one class of three: the class of the largest of the first three inputs
        SplittableRandom r = new SplittableRandom(4);
        float[][] x = new float[90][6], y = new float[90][3];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 6; j++) x[i][j] = (float) r.nextGaussian();
            int k = x[i][0] > x[i][1] ? (x[i][0] > x[i][2] ? 0 : 2) : (x[i][1] > x[i][2] ? 1 : 2);
            y[i][k] = 1;
        }
        Examples classes = Examples.of(x, y);
        for (var loss : List.of(org.marquee.engine.nn.LossFunction.SOFTMAX_CROSS_ENTROPY, org.marquee.engine.nn.LossFunction.MEAN_SQUARED_ERROR)) {
            Sequential m = net().build(5);
            double start = Fit.evaluate(m, classes, 10, loss);
            FitResult fitted = Fit.fit(m, classes, classes, quiet().withEpochs(15).withLoss(loss).withLearningRate(0.02));
            assertTrue(fitted.last().validationLoss() < start * 0.8, loss + ": " + start + " -> " + fitted.last().validationLoss());
            float[][] p = Fit.predict(m, classes, 10, loss);
            if (loss == org.marquee.engine.nn.LossFunction.SOFTMAX_CROSS_ENTROPY) {
                for (float[] row : p) assertEquals(1.0, row[0] + row[1] + row[2], 1e-5, "softmax probabilities sum to 1");
            }
        }
        var weighted = assertThrows(IllegalArgumentException.class, () -> quiet().withLoss(org.marquee.engine.nn.LossFunction.MEAN_SQUARED_ERROR)
                .withPositiveWeights(new PositiveWeights(new double[] {2, 2, 2})));
        assertTrue(weighted.getMessage().contains("positive weights apply to the sigmoid cross-entropy"), weighted.getMessage());
    }

    @Test
    void permutationIsAFunctionOfSeedAndEpoch() {
        int[] a = Fit.permutation(50, 3, 1);
        assertArrayEquals(a, Fit.permutation(50, 3, 1));
        assertFalse(Arrays.equals(a, Fit.permutation(50, 3, 2)));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) assertEquals(i, sorted[i]);
    }
}
