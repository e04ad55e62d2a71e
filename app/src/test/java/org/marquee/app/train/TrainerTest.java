package org.marquee.app.train;

import org.marquee.engine.fit.WeightAverage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.PosterModel;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.dataset.GenreVocabulary;
import org.marquee.dataset.PosterDataset;
import org.marquee.engine.Backend;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

/** Training on the float64 reference backend with a 24x24 poster model, small enough to run in seconds. */
class TrainerTest {
    static final int SIZE = 24, LABELS = 3;
    static final long SEED = 11;
    @TempDir Path dir;

    final TinyPosters train = new TinyPosters(48, SIZE, LABELS, 1);
    final TinyPosters val = new TinyPosters(16, SIZE, LABELS, 2);
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

    TrainOptions options(int epochs, Path output) {
        return new TrainOptions(epochs, 8, TrainOptions.adam(3e-3, 1.0), SEED, 0, output);
    }

    record Run(double[] weights, EpochLog log, TrainingState state) {}

    Run train(Backend backend, TrainOptions options, Path resumeFrom) throws IOException {
        try (Sequential model = PosterModel.build(backend, SEED, SIZE, SIZE, LABELS);
             Adam adam = new Adam(backend, options.adam(), model.parameterCount())) {
            TrainingState state = TrainingState.initial(SEED);
            EpochLog log = new EpochLog();
            double[] average = null;
            if (resumeFrom != null) {
                Checkpoint c = CheckpointFile.read(resumeFrom);
                ModelState.restore(c, model, adam);
                state = c.training();
                log = EpochLog.parse(state.log());
                average = c.extra(WeightAverage.EMA).map(a -> a.values()).orElse(null);
            }
            ProgressLine progress = new ProgressLine(out, false, System::nanoTime);
            TrainingState end = new Trainer(model, adam, options, train, val, progress, out).averagingFrom(average).run(state, log);
            return new Run(model.parameters().toDoubles(), log, end);
        }
    }

    static double[] losses(EpochLog log) {
        return log.rows().stream().flatMapToDouble(r -> java.util.stream.DoubleStream.of(r.trainLoss(), r.valLoss())).toArray();
    }

    @Test
    void learnsAndWritesItsFiles() throws IOException {
        Path out1 = dir.resolve("run");
        Run run = train(new ReferenceBackend(), options(4, out1), null);
        List<EpochResult> rows = run.log().rows();
        assertEquals(4, rows.size());
        assertTrue(rows.get(0).trainLoss() > 0.55 && rows.get(0).trainLoss() < 0.8, "first loss near ln 2: " + rows.get(0));
        assertTrue(rows.get(3).valLoss() < rows.get(0).valLoss() - 0.05, "validation loss falls: " + losses(run.log()).length
                + " " + Arrays.toString(losses(run.log())));
        for (String f : List.of("last.ckpt", "best.ckpt", "epochs.csv", "loss.png", "f1.png")) {
            assertTrue(Files.size(out1.resolve(f)) > 0, f);
        }
        assertEquals(5, Files.readAllLines(out1.resolve("epochs.csv")).size());
        assertEquals(8 * 6 * 4, run.state().step() * 8);        // 48 / 8 = 6 steps per epoch
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("epoch 4/4  train loss"), console.toString(StandardCharsets.UTF_8));
    }

    @Test
    void resumingAfterAnEpochReachesBitIdenticalWeights() throws IOException {
        Run straight = train(new ReferenceBackend(), options(3, dir.resolve("straight")), null);

        Path split = dir.resolve("split");
        Run first = train(new ReferenceBackend(), options(1, split), null);
        assertEquals(1, first.state().epoch());
        Run resumed = train(new ReferenceBackend(), options(3, split), split.resolve(RunFolder.LAST));

        assertEquals(3, resumed.state().epoch());
        assertEquals(straight.state().step(), resumed.state().step());
        assertArrayEquals(straight.weights(), resumed.weights(), "weights after resume differ");
        assertArrayEquals(losses(straight.log()), losses(resumed.log()));
        assertNotEquals(first.weights()[0], resumed.weights()[0]);
    }

    @Test
    void aMovingAverageOfTheWeightsValidatesAndResumesBitIdentically() throws IOException {
        TrainOptions ema = options(3, dir.resolve("ema-straight")).withEma(0.5);
        Run straight = train(new ReferenceBackend(), ema, null);
        Path split = dir.resolve("ema-split");
        train(new ReferenceBackend(), options(1, split).withEma(0.5), null);
        Run resumed = train(new ReferenceBackend(), options(3, split).withEma(0.5), split.resolve(RunFolder.LAST));
        assertArrayEquals(straight.weights(), resumed.weights());
        assertArrayEquals(losses(straight.log()), losses(resumed.log()), "validation with the average repeats exactly");
        Checkpoint a = CheckpointFile.read(dir.resolve("ema-straight").resolve(RunFolder.LAST));
        Checkpoint b = CheckpointFile.read(split.resolve(RunFolder.LAST));
        double[] average = a.extra(WeightAverage.EMA).orElseThrow().values();
        assertArrayEquals(average, b.extra(WeightAverage.EMA).orElseThrow().values(), "the average resumes exactly");
        assertEquals(Checkpoint.Precision.FLOAT64, a.extra(WeightAverage.EMA).orElseThrow().precision());
        assertTrue(!Arrays.equals(average, a.weights()), "the average is not the weights");

        Run plain = train(new ReferenceBackend(), options(3, dir.resolve("no-ema")), null);
        assertArrayEquals(plain.weights(), straight.weights(), "the average does not change the training itself");
        assertNotEquals(plain.log().rows().get(2).valLoss(), straight.log().rows().get(2).valLoss(), "validation sees the average");
        assertTrue(CheckpointFile.read(dir.resolve("no-ema").resolve(RunFolder.LAST)).extra(WeightAverage.EMA).isEmpty());

        // the validation loss of the last epoch is that of the averaged weights
        try (Sequential model = PosterModel.build(new ReferenceBackend(), SEED, SIZE, SIZE, LABELS)) {
            assertTrue(ModelState.restoreForInference(a, model, false));
            assertEquals(straight.log().rows().get(2).valLoss(), new Evaluator(model, 8).run(val).loss(), 1e-12);
            assertTrue(!ModelState.restoreForInference(a, model, true));
            assertArrayEquals(a.weights(), model.parameters().toDoubles());
        }
    }

    @Test
    void normalizedInputsTrainValidateAndAreRecorded() throws IOException {
        InputNormalization n = InputNormalization.of(train);
        Path o = dir.resolve("normalized");
        TrainingState end;
        try (Sequential model = PosterModel.build(new ReferenceBackend(), SEED, SIZE, SIZE, LABELS);
             Adam adam = new Adam(model.backend(), options(1, o).adam(), model.parameterCount())) {
            EpochLog log = new EpochLog();
            end = new Trainer(model, adam, options(1, o), train, val, new ProgressLine(out, false, System::nanoTime), out)
                    .normalizing(n).run(TrainingState.initial(SEED), log);
            Checkpoint c = CheckpointFile.read(o.resolve(RunFolder.LAST));
            assertEquals(n, InputNormalization.from(c).orElseThrow());
            assertEquals(log.rows().get(0).valLoss(), new Evaluator(model, 8, n).run(val).loss(), 1e-12, "validation saw normalized posters");
            assertNotEquals(log.rows().get(0).valLoss(), new Evaluator(model, 8).run(val).loss());
        }
        Run plain = train(new ReferenceBackend(), options(1, dir.resolve("raw-inputs")), null);
        assertTrue(!Arrays.equals(plain.weights(), CheckpointFile.read(o.resolve(RunFolder.LAST)).weights()), "training saw them too");
        assertEquals(1, end.epoch());
    }

    @Test
    void flipsAreReproducibleResumableAndChangeTheRun() throws IOException {
        TrainOptions plain = options(2, dir.resolve("plain"));
        TrainOptions flipped = new TrainOptions(2, 8, plain.adam(), SEED, 0, dir.resolve("flip-a"), true);
        Run a = train(new ReferenceBackend(), flipped, null);
        Path split = dir.resolve("flip-b");
        train(new ReferenceBackend(), new TrainOptions(1, 8, plain.adam(), SEED, 0, split, true), null);
        Run b = train(new ReferenceBackend(), new TrainOptions(2, 8, plain.adam(), SEED, 0, split, true), split.resolve(RunFolder.LAST));
        assertArrayEquals(a.weights(), b.weights(), "a flipped run resumed after epoch 1 ends where the straight one does");
        Run none = train(new ReferenceBackend(), plain, null);
        assertTrue(!Arrays.equals(a.weights(), none.weights()), "flips change what the model sees");
    }

    @Test
    void aboutHalfOfThePostersAreFlippedAndTheDrawDependsOnTheStep() {
        int flipped = 0, differ = 0;
        for (long step = 0; step < 100; step++) {
            var now = Augmenter.flips(SEED, step);
            var next = Augmenter.flips(SEED, step + 1);
            for (int i = 0; i < 32; i++) {
                if (now.test(i)) flipped++;
                if (now.test(i) != next.test(i)) differ++;
                assertEquals(now.test(i), Augmenter.flips(SEED, step).test(i), "the same key gives the same draw");
            }
        }
        assertTrue(flipped > 1400 && flipped < 1800, "flipped " + flipped + " of 3200");
        assertTrue(differ > 1400 && differ < 1800, "changed " + differ + " of 3200 between steps");
    }

    @Test
    void mirrorReversesEveryRow() {
        float[] odd = {9, 1, 2, 3, 4, 5, 6, 9};
        BatchLoader.mirror(odd, 1, 2, 3);
        assertArrayEquals(new float[] {9, 3, 2, 1, 6, 5, 4, 9}, odd);
        float[] even = {1, 2, 3, 4};
        BatchLoader.mirror(even, 0, 1, 4);
        assertArrayEquals(new float[] {4, 3, 2, 1}, even);
    }

    @Test
    void aDifferentSeedShufflesDifferently() {
        int[] a = org.marquee.engine.fit.Fit.permutation(100, 1, 1), b = org.marquee.engine.fit.Fit.permutation(100, 1, 2), c = org.marquee.engine.fit.Fit.permutation(100, 2, 1);
        assertArrayEquals(a, org.marquee.engine.fit.Fit.permutation(100, 1, 1));
        assertTrue(!Arrays.equals(a, b) && !Arrays.equals(a, c));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 100; i++) assertEquals(i, sorted[i]);
    }

    @Test
    void earlyStoppingHaltsWithoutImprovement() throws IOException {
        TrainOptions o = new TrainOptions(5, 8, TrainOptions.adam(3e-3, 1.0), SEED, 2, dir.resolve("early"));
        try (Sequential model = PosterModel.build(new ReferenceBackend(), SEED, SIZE, SIZE, LABELS);
             Adam adam = new Adam(model.backend(), o.adam(), model.parameterCount())) {
            // a state whose best loss can never be beaten: every epoch counts as stale
            TrainingState hopeless = new TrainingState(SEED, 0, 0, 0.0, 0, 0, "");
            TrainingState end = new Trainer(model, adam, o, train, val, new ProgressLine(out, false, System::nanoTime), out)
                    .run(hopeless, new EpochLog());
            assertEquals(2, end.epoch());
            assertTrue(console.toString(StandardCharsets.UTF_8).contains("early stop"), console.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theSelectedMetricPicksTheBestEpochAndDrivesEarlyStopping() throws IOException {
        TrainOptions byMap = options(4, dir.resolve("map")).withSelection(Selection.MAP);
        Run run = train(new ReferenceBackend(), byMap, null);
        List<EpochResult> rows = run.log().rows();
        int best = 0;
        for (int i = 1; i < rows.size(); i++) if (rows.get(i).valMap() > rows.get(best).valMap()) best = i;
        assertEquals(best + 1, run.state().bestEpoch(), rows.toString());
        assertEquals(rows.get(best).valMap(), run.state().bestScore(), 0.0);
        assertEquals(best + 1, CheckpointFile.read(dir.resolve("map").resolve(RunFolder.BEST)).training().epoch());

        Run byLoss = train(new ReferenceBackend(), options(4, dir.resolve("loss")), null);
        int lowest = 0;
        for (int i = 1; i < 4; i++) if (byLoss.log().rows().get(i).valLoss() < byLoss.log().rows().get(lowest).valLoss()) lowest = i;
        assertEquals(lowest + 1, byLoss.state().bestEpoch());
        assertEquals(byLoss.log().rows().get(lowest).valLoss(), byLoss.state().bestScore(), 0.0);

        // a micro-F1 that cannot be beaten: patience 1 stops after one stale epoch
        TrainOptions o = new TrainOptions(5, 8, TrainOptions.adam(3e-3, 1.0), SEED, 1, dir.resolve("f1")).withSelection(Selection.MICRO_F1);
        try (Sequential model = PosterModel.build(new ReferenceBackend(), SEED, SIZE, SIZE, LABELS);
             Adam adam = new Adam(model.backend(), o.adam(), model.parameterCount())) {
            TrainingState perfect = new TrainingState(SEED, 0, 0, 1.0, 0, 0, "");
            TrainingState end = new Trainer(model, adam, o, train, val, new ProgressLine(out, false, System::nanoTime), out)
                    .run(perfect, new EpochLog());
            assertEquals(1, end.epoch());
            String text = console.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("early stop: no improvement of the validation micro-F1 of the decision rule for 1 epochs"), text);
            assertTrue(text.contains("rule micro-F1 "), text);
        }
    }

    /** The training set, failing with an unreadable poster on the {@code failAt}-th batch it fills. */
    static PosterDataset failingOn(PosterDataset data, int failAt) {
        int[] calls = {0};
        return new PosterDataset() {
            @Override public int size() { return data.size(); }
            @Override public int imageSize() { return data.imageSize(); }
            @Override public GenreVocabulary genres() { return data.genres(); }
            @Override public long id(int index) { return data.id(index); }
            @Override public void fillBatch(int[] indices, float[] pixels, float[] labels) {
                if (++calls[0] == failAt) throw new UncheckedIOException(new IOException("poster " + indices[0] + " is unreadable"));
                data.fillBatch(indices, pixels, labels);
            }
        };
    }

    @Test
    void everyTensorOfARunIsReleasedWhenItEnds() throws IOException {
        CountingBackend counting = new CountingBackend(new ReferenceBackend());
        try (Sequential model = PosterModel.build(counting.backend(), SEED, SIZE, SIZE, LABELS);
             Adam adam = new Adam(counting.backend(), options(1, dir).adam(), model.parameterCount())) {
            new Trainer(model, adam, options(1, dir.resolve("counted")), train, val, new ProgressLine(out, false, System::nanoTime), out)
                    .run(TrainingState.initial(SEED), new EpochLog());
        }
        assertEquals(0, counting.live(), "tensors left allocated after a run");
    }

    @Test
    void everyTensorOfARunIsReleasedWhenAStepFails() {
        CountingBackend counting = new CountingBackend(new ReferenceBackend());
        PosterDataset failing = failingOn(train, 3);
        try (Sequential model = PosterModel.build(counting.backend(), SEED, SIZE, SIZE, LABELS);
             Adam adam = new Adam(counting.backend(), options(1, dir).adam(), model.parameterCount())) {
            Trainer trainer = new Trainer(model, adam, options(1, dir.resolve("failing")), failing, val,
                    new ProgressLine(out, false, System::nanoTime), out);
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> trainer.run(TrainingState.initial(SEED), new EpochLog()));
            assertTrue(e.getMessage().contains("unreadable"), e.getMessage());
        }
        assertEquals(0, counting.live(), "tensors left allocated after a failed step");
    }

    @Test
    void aBatchLoaderWhoseSecondAllocationFailsReleasesTheFirst() {
        CountingBackend counting = new CountingBackend(new ReferenceBackend());
        counting.failAllocation(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new BatchLoader(train, counting.backend(), 8));
        assertTrue(e.getMessage().contains("allocation"), e.getMessage());
        assertEquals(0, counting.live());
    }

    @Test
    void restoreRejectsACheckpointOfAnotherModel() throws IOException {
        Path o = dir.resolve("other");
        train(new ReferenceBackend(), options(1, o), null);
        Checkpoint c = CheckpointFile.read(o.resolve(RunFolder.LAST));
        try (Sequential bigger = PosterModel.build(new ReferenceBackend(), SEED, 26, 26, LABELS)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelState.restore(c, bigger, null));
            assertTrue(e.getMessage().contains("3x24x24") && e.getMessage().contains("3x26x26"), e.getMessage());
        }
    }

    @Test
    void aCheckpointWhoseLayersDisagreeWithItsHeadlineNamesTheLayer() throws IOException {
        Path o = dir.resolve("altered");
        train(new ReferenceBackend(), options(1, o), null);
        Checkpoint c = CheckpointFile.read(o.resolve(RunFolder.LAST));
        String[] layers = c.model().layers().split("\n");
        String changed = layers[0].replaceFirst("\\d+", "99");
        var spec = new org.marquee.engine.checkpoint.ModelSpec(c.model().architecture(), c.model().channels(), c.model().height(),
                c.model().width(), c.model().classes(), c.model().parameterCount(), c.model().layers().replace(layers[0], changed));
        Checkpoint altered = new Checkpoint(spec, c.genres(), c.training(), c.precision(), c.weights(), 0, null, null);
        try (Sequential model = PosterModel.build(new ReferenceBackend(), SEED, 24, 24, LABELS)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelState.restore(altered, model, null));
            assertTrue(e.getMessage().contains("layer 1 differs: the checkpoint says \"" + changed.strip() + "\", the model has \""
                    + layers[0].strip() + "\""), e.getMessage());
        }
    }

    /** Stops the run at the {@code at}-th checkpoint write, as a crash there would. */
    static final class Crash extends IOException {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void aCrashAtAnyCheckpointWriteLeavesAConsistentPairThatResumes() throws IOException {
        Run straight = train(new ReferenceBackend(), options(2, dir.resolve("straight")), null);
        int writes = 0;
        for (EpochResult r : straight.log().rows()) writes += r.epoch() == straight.state().bestEpoch() || r.epoch() == 1 ? 2 : 1;
        for (int at = 1; at <= writes; at++) {
            Path run = dir.resolve("crash-" + at);
            int[] count = {0};
            int stopAt = at;
            try {
                trainWith(options(2, run), null, (c, file) -> {
                    if (++count[0] == stopAt) throw new Crash();
                    CheckpointFile.write(c, file);
                });
            } catch (Crash expected) {
                // the process died here
            }
            Path last = run.resolve(RunFolder.LAST);
            if (Files.exists(last)) {
                Checkpoint c = CheckpointFile.read(last);
                RunFolder.checkBest(run, c, out);
                Checkpoint best = CheckpointFile.read(run.resolve(RunFolder.BEST));
                assertTrue(best.training().epoch() == c.training().bestEpoch() || best.training().epoch() > c.training().epoch(),
                        "crash at write " + at + ": best.ckpt epoch " + best.training().epoch() + ", last.ckpt " + c.training());
            }
            Run resumed = train(new ReferenceBackend(), options(2, run), Files.exists(last) ? last : null);
            assertArrayEquals(straight.weights(), resumed.weights(), "crash at write " + at);
            Checkpoint best = CheckpointFile.read(run.resolve(RunFolder.BEST));
            assertEquals(straight.state().bestEpoch(), best.training().epoch(), "crash at write " + at);
            assertEquals(best.training().epoch(), CheckpointFile.read(last).training().bestEpoch(), "crash at write " + at);
        }
    }

    @Test
    void aMissingBestCheckpointIsRebuiltFromLastOrExplained() throws IOException {
        Path run = dir.resolve("old");
        train(new ReferenceBackend(), options(1, run), null);
        Files.delete(run.resolve(RunFolder.BEST));   // as an older build could leave it: last.ckpt written, then killed
        Checkpoint last = CheckpointFile.read(run.resolve(RunFolder.LAST));
        RunFolder.checkBest(run, last, out);
        assertEquals(1, CheckpointFile.read(run.resolve(RunFolder.BEST)).training().epoch());
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("repaired"), console.toString(StandardCharsets.UTF_8));

        TrainingState t = last.training();
        Checkpoint later = new Checkpoint(last.model(), last.genres(), new TrainingState(t.seed(), 3, t.step(), t.bestScore(), 1,
                2, t.log()), last.precision(), last.weights(), last.adamT(), last.adamM(), last.adamV());
        Files.delete(run.resolve(RunFolder.BEST));
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.marquee.engine.checkpoint.CheckpointException.class,
                () -> RunFolder.checkBest(run, later, out));
        assertTrue(e.getMessage().contains("says epoch 1 is the best but best.ckpt is missing"), e.getMessage());
    }

    @Test
    void aDivergingRunStopsBeforeItOverwritesTheLastGoodCheckpoint() throws IOException {
        Path run = dir.resolve("diverging");
        train(new ReferenceBackend(), options(1, run), null);
        byte[] last = Files.readAllBytes(run.resolve(RunFolder.LAST));
        byte[] best = Files.readAllBytes(run.resolve(RunFolder.BEST));
        byte[] csv = Files.readAllBytes(run.resolve("epochs.csv"));
        // one step per epoch at an absurd learning rate: the step's loss is finite, the weights it leaves are not usable
        TrainOptions wild = new TrainOptions(2, train.size(), TrainOptions.adam(1e200, 0), SEED, 0, run);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> train(new ReferenceBackend(), wild, run.resolve(RunFolder.LAST)));
        assertTrue(e.getMessage().contains("diverged in epoch 2") && e.getMessage().contains("after epoch 1"), e.getMessage());
        assertArrayEquals(last, Files.readAllBytes(run.resolve(RunFolder.LAST)));
        assertArrayEquals(best, Files.readAllBytes(run.resolve(RunFolder.BEST)));
        assertArrayEquals(csv, Files.readAllBytes(run.resolve("epochs.csv")));
    }

    @Test
    void aCheckpointHoldingNaNOrInfinityIsRefusedNamingTheTensor() throws IOException {
        Path run = dir.resolve("poisoned");
        train(new ReferenceBackend(), options(1, run), null);
        Checkpoint c = CheckpointFile.read(run.resolve(RunFolder.LAST));
        try (Sequential model = PosterModel.build(new ReferenceBackend(), SEED, SIZE, SIZE, LABELS);
             Adam adam = new Adam(model.backend(), options(1, run).adam(), model.parameterCount())) {
            List<org.marquee.engine.nn.Parameter> params = model.namedParameters();
            org.marquee.engine.nn.Parameter third = params.get(2);
            long at = third.value().offset() - model.parameters().offset() + 5;
            double[] w = c.weights().clone();
            w[(int) at] = Double.NaN;
            Checkpoint badWeights = new Checkpoint(c.model(), c.genres(), c.training(), c.precision(), w, c.adamT(), c.adamM(), c.adamV());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelState.restore(badWeights, model, null));
            assertTrue(e.getMessage().contains(third.name() + "[5] (weights) is NaN"), e.getMessage());

            org.marquee.engine.nn.Parameter lastBias = params.get(params.size() - 1);
            double[] v = c.adamV().clone();
            v[(int) (lastBias.value().offset() - model.parameters().offset())] = Double.POSITIVE_INFINITY;
            Checkpoint badAdam = new Checkpoint(c.model(), c.genres(), c.training(), c.precision(), c.weights(), c.adamT(), c.adamM(), v);
            e = assertThrows(IllegalArgumentException.class, () -> ModelState.restore(badAdam, model, adam));
            assertTrue(e.getMessage().contains(lastBias.name() + "[0] (Adam v) is Infinity"), e.getMessage());

            ModelState.restore(c, model, adam);   // the untouched checkpoint loads
        }
    }

    void trainWith(TrainOptions options, Path resumeFrom, org.marquee.engine.fit.Fit.CheckpointWriter writer) throws IOException {
        Backend backend = new ReferenceBackend();
        try (Sequential model = PosterModel.build(backend, SEED, SIZE, SIZE, LABELS);
             Adam adam = new Adam(backend, options.adam(), model.parameterCount())) {
            ProgressLine progress = new ProgressLine(out, false, System::nanoTime);
            new Trainer(model, adam, options, train, val, progress, out).withWriter(writer).run(TrainingState.initial(SEED), new EpochLog());
        }
    }
}
