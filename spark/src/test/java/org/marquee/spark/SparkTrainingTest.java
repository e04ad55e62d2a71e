package org.marquee.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.marquee.app.PosterModel;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.app.cluster.DataRequest;
import org.marquee.app.cluster.ModelRecipe;
import org.marquee.app.data.DataLoader;
import org.marquee.app.data.LoadedData;
import org.marquee.app.train.Augmentation;
import org.marquee.app.train.EpochLog;
import org.marquee.app.train.EpochResult;
import org.marquee.app.train.InputNormalization;
import org.marquee.app.data.Subset;
import org.marquee.app.train.ModelState;
import org.marquee.engine.fit.PositiveWeights;
import org.marquee.app.train.Predictions;
import org.marquee.app.train.ProgressLine;
import org.marquee.app.train.TrainOptions;
import org.marquee.app.train.Trainer;
import org.marquee.app.train.TrainingCompute;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.cpu.CpuOptions;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Sequential;

/**
 * Data-parallel training on {@code local[2]} against one machine: the small poster model (24 x 24,
 * with its dropout layers) on synthetic posters with flips, so shards must draw the masks and
 * flips of their rows in the whole batch.
 */
class SparkTrainingTest {
    static final int SIZE = 24, GENRES = 27, BATCH = 8, POSTERS = 60;
    static final long SEED = 5, SPLIT_SEED = 2017;
    static final ModelRecipe RECIPE = PosterModel.recipe(SEED, SIZE, SIZE, GENRES);
    static final AdamConfig ADAM = TrainOptions.adam(5e-4, 1.0);
    static final Augmentation FLIP = Augmentation.parse("flip");

    static JavaSparkContext sc;
    final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @BeforeAll
    static void start() {
        SparkJava.assumeSparkStarts();
        // local[2, 2]: two task threads, and a failed task is tried once more (plain local[N] never retries)
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2,2]").setAppName("marquee-test").set("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        if (sc != null) sc.close();
    }

    record Steps(double[] losses, float[] weights) {}

    /** {@code steps} training steps as the Trainer takes them (its visiting order, steps counted from 0) on {@code compute}. */
    static Steps run(TrainingCompute.Factory compute, LoadedData data, int steps) {
        return run(compute, data, steps, null, () -> {});
    }

    /** As above, on the loss that weighs positive examples by {@code positives} (null: the plain loss). */
    static Steps run(TrainingCompute.Factory compute, LoadedData data, int steps, PositiveWeights positives) {
        return run(compute, data, steps, positives, () -> {});
    }

    /** As above, calling {@code beforeStep3} before the fourth step. */
    static Steps run(TrainingCompute.Factory compute, LoadedData data, int steps, PositiveWeights positives, Runnable beforeStep3) {
        try (Backend backend = new CpuBackend(CpuOptions.defaults().withThreads(1));
             Sequential model = RECIPE.build(backend);
             Adam adam = Adam.forModel(model, ADAM);
             TrainingCompute c = compute.open(model, data.train(), BATCH, FLIP, SEED, null, positives)) {
            double[] losses = new double[steps];
            int perEpoch = data.train().size() / BATCH;
            for (int step = 0; step < steps; step++) {
                int epoch = step / perEpoch + 1;
                int[] order = org.marquee.engine.fit.Fit.permutation(data.train().size(), SEED, epoch);
                if (step == 3) beforeStep3.run();
                losses[step] = c.gradient(order, (step % perEpoch) * BATCH, step);
                adam.step(model.parameters(), model.gradients());
            }
            return new Steps(losses, model.parameters().toFloats());
        }
    }

    LoadedData local() {
        return new DataLoader(out).synthetic(POSTERS, SIZE, SPLIT_SEED);
    }

    LoadedData onCluster(SparkCluster cluster) throws IOException {
        return cluster.load(new DataRequest(null, null, 0, POSTERS, SPLIT_SEED, false), SIZE, out);
    }

    static double relativeL2(float[] a, float[] b) {
        double d = 0, n = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - (double) b[i]) * (a[i] - (double) b[i]);
            n += (double) a[i] * a[i];
        }
        return Math.sqrt(d / n);
    }

    @ParameterizedTest(name = "{0} shards")
    @ValueSource(ints = {2, 3})
    void twentyStepsMatchOneMachine(int shards) throws IOException {
        Steps one = run(TrainingCompute.LOCAL, local(), 20);
        try (SparkCluster cluster = new SparkCluster(sc, shards)) {
            // replicas built with another seed: their weights and dropout seed must come from the driver's model
            Steps spark = run(cluster.compute(PosterModel.recipe(SEED + 94, SIZE, SIZE, GENRES)), onCluster(cluster), 20);
            long built = Replicas.existing(cluster.session()).built();
            assertTrue(built <= 2, "local[2] runs two tasks at a time, so it needs at most two replicas, built " + built + " for "
                    + 20 * shards + " tasks");
            StringBuilder diffs = new StringBuilder();
            for (int s = 0; s < 20; s++) diffs.append(String.format(" %.1e", Math.abs(one.losses()[s] - spark.losses()[s]) / one.losses()[s]));
            for (int s = 0; s < 20; s++) {
                assertEquals(one.losses()[s], spark.losses()[s], 1e-5 * one.losses()[s], "loss of step " + s + ";" + diffs);
            }
            double rel = relativeL2(one.weights(), spark.weights());
            assertTrue(rel < 1e-5, "weights after 20 steps differ by " + rel + " (relative L2)");
            assertTrue(one.losses()[19] < one.losses()[0], "it learns: " + one.losses()[0] + " -> " + one.losses()[19]);
        }
    }

    @Test
    void theClassWeightedLossIsTheOneMachinesOnTheShards() throws IOException {
        LoadedData here = local();
        PositiveWeights w = PositiveWeights.capped(Subset.labels(here.train()), GENRES, 5);
        Steps plain = run(TrainingCompute.LOCAL, here, 8);
        Steps one = run(TrainingCompute.LOCAL, here, 8, w);
        try (SparkCluster cluster = new SparkCluster(sc, 2)) {
            Steps spark = run(cluster.compute(RECIPE), onCluster(cluster), 8, w);
            assertArrayEquals(one.losses(), spark.losses(), 1e-5 * one.losses()[0]);
            double rel = relativeL2(one.weights(), spark.weights());
            assertTrue(rel < 1e-5, "weights after 8 weighted steps differ by " + rel + " (relative L2)");
            double weighted = relativeL2(plain.weights(), one.weights());
            assertTrue(weighted > 1e-3, "the weighted loss moves the weights elsewhere than the plain one: " + weighted);
        }
    }

    /**
     * The poster model's recipe, which fails to arrive on the executor while {@link #FAILURES} is
     * above zero, as a task that breaks there does: Spark reads a task's closure, recipe included,
     * anew for every attempt.
     */
    static final class FailingRecipe implements ModelRecipe {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger FAILURES = new AtomicInteger();

        @Override
        public Sequential build(Backend backend) {
            return RECIPE.build(backend);
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            if (FAILURES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new IOException("a task made to fail by the test");
        }
    }

    /** Counts the tasks that ended in a failure. */
    static final class FailedTasks extends SparkListener {
        final AtomicInteger failed = new AtomicInteger();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (!(end.reason() instanceof org.apache.spark.Success$)) failed.incrementAndGet();
        }
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheStepIsTheSame() throws Exception {
        FailedTasks listener = new FailedTasks();
        sc.sc().addSparkListener(listener);
        try (SparkCluster cluster = new SparkCluster(sc, 2)) {
            LoadedData data = onCluster(cluster);
            Steps undisturbed = run(cluster.compute(new FailingRecipe()), data, 6);
            Steps retried = run(cluster.compute(new FailingRecipe()), data, 6, null, () -> FailingRecipe.FAILURES.set(1));
            assertEquals(0, FailingRecipe.FAILURES.get(), "the failure happened");
            long deadline = System.nanoTime() + 10_000_000_000L;   // the listener hears of tasks a little later
            while (listener.failed.get() == 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(1, listener.failed.get(), "one task failed and was retried");
            assertArrayEquals(undisturbed.losses(), retried.losses(), 0.0);
            assertArrayEquals(undisturbed.weights(), retried.weights(), 0f);
        } finally {
            sc.sc().removeSparkListener(listener);
        }
    }

    @Test
    void replicasComputeWithTheDriversBackendOptionsAndCloseWithTheirCluster() throws IOException {
        // options no system property sets here: the scalar kernels, im2col convolutions and other GEMM blocks
        CpuOptions driver = CpuOptions.defaults().withThreads(1).withScalar(true).withIm2col(true).withBlocks(64, 32, 128);
        LoadedData here = local();
        Steps one;
        try (Backend backend = new CpuBackend(driver);
             Sequential model = RECIPE.build(backend);
             Adam adam = Adam.forModel(model, ADAM);
             TrainingCompute c = TrainingCompute.LOCAL.open(model, here.train(), BATCH, FLIP, SEED, null, null)) {
            c.gradient(org.marquee.engine.fit.Fit.permutation(here.train().size(), SEED, 1), 0, 0);
            adam.step(model.parameters(), model.gradients());
            one = new Steps(new double[0], model.parameters().toFloats());
        }
        Replicas replicas;
        Replicas.Key key;
        java.util.UUID session;
        try (SparkCluster cluster = new SparkCluster(sc, 2);
             Backend backend = new CpuBackend(driver);
             Sequential model = RECIPE.build(backend);
             Adam adam = Adam.forModel(model, ADAM)) {
            LoadedData data = onCluster(cluster);
            try (TrainingCompute c = cluster.compute(RECIPE).open(model, data.train(), BATCH, FLIP, SEED, null, null)) {
                assertEquals(driver, ((SparkCompute) c).plan().backend(), "the plan the tasks get carries the driver's options");
                c.gradient(org.marquee.engine.fit.Fit.permutation(data.train().size(), SEED, 1), 0, 0);
                adam.step(model.parameters(), model.gradients());
            }
            session = cluster.session();
            replicas = Replicas.existing(session);
            key = new Replicas.Key(Replicas.Architecture.of(model), driver.withThreads(1));   // local: one core per task
            List<Replicas.Replica> built = replicas.free(key);
            assertTrue(!built.isEmpty() && built.size() <= 2, "replicas on the driver's options: " + built.size());
            for (Replicas.Replica r : built) assertEquals(driver, ((CpuBackend) r.backend).options());
            assertEquals(built.size(), replicas.built(), "every replica was built on the driver's options");
            assertTrue(relativeL2(one.weights(), model.parameters().toFloats()) < 1e-5, "the step is the one-machine step");
        }
        assertTrue(replicas.closed(), "the cluster closed its replicas");
        assertTrue(replicas.free(key).isEmpty());
        assertEquals(null, Replicas.existing(session), "and forgot them");
    }

    @Test
    void predictionsOnTheClusterAreThoseOfOneMachine() throws IOException {
        try (SparkCluster cluster = new SparkCluster(sc, 3);
             Backend backend = new CpuBackend(CpuOptions.defaults().withThreads(1));
             Sequential model = RECIPE.build(backend)) {
            LoadedData data = onCluster(cluster);
            LoadedData here = local();
            Predictions spark, local;
            try (TrainingCompute c = cluster.compute(RECIPE).open(model, data.train(), BATCH, Augmentation.none(), SEED, null, null)) {
                spark = c.predict(data.validation());
            }
            try (TrainingCompute c = TrainingCompute.LOCAL.open(model, here.train(), BATCH, Augmentation.none(), SEED, null, null)) {
                local = c.predict(here.validation());
            }
            assertEquals(local.probabilities().length, spark.probabilities().length);
            for (int i = 0; i < local.probabilities().length; i++) {
                assertArrayEquals(local.probabilities()[i], spark.probabilities()[i], 1e-6, "poster " + i);
                assertArrayEquals(local.truth()[i], spark.truth()[i], "labels of poster " + i);
            }
            assertEquals(local.loss(), spark.loss(), 1e-6 * local.loss());
        }
    }

    @Test
    void inputStatisticsOnTheClusterAreThoseOfOneMachine() throws IOException {
        try (SparkCluster cluster = new SparkCluster(sc, 3)) {
            InputNormalization spark = cluster.normalizationOf(onCluster(cluster).train());
            InputNormalization local = InputNormalization.of(local().train());
            assertArrayEquals(local.mean(), spark.mean(), 0.0);
            assertArrayEquals(local.std(), spark.std(), 0.0);
        }
    }

    /** A Trainer run on the cluster for {@code epochs} epochs, from scratch or resumed from {@code resumeFrom}. */
    static float[] train(SparkCluster cluster, LoadedData data, int epochs, Path output, Path resumeFrom, EpochLog[] logOut)
            throws IOException {
        TrainOptions options = new TrainOptions(epochs, BATCH, ADAM, SEED, 0, output, true);
        try (Backend backend = new CpuBackend(CpuOptions.defaults().withThreads(1));
             Sequential model = RECIPE.build(backend);
             Adam adam = Adam.forModel(model, ADAM)) {
            TrainingState state = TrainingState.initial(SEED);
            EpochLog log = new EpochLog();
            if (resumeFrom != null) {
                Checkpoint c = CheckpointFile.read(resumeFrom);
                ModelState.restore(c, model, adam);
                state = c.training();
                log = EpochLog.parse(state.log());
            }
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            new Trainer(model, adam, options, data.train(), data.validation(), new ProgressLine(quiet, false, System::nanoTime), quiet)
                    .computingWith(cluster.compute(RECIPE)).run(state, log);
            logOut[0] = log;
            return model.parameters().toFloats();
        }
    }

    @Test
    void aRunResumedFromItsEpochCheckpointEqualsAnUninterruptedOne(@TempDir Path dir) throws IOException {
        try (SparkCluster cluster = new SparkCluster(sc, 2)) {
            LoadedData data = onCluster(cluster);
            EpochLog[] whole = new EpochLog[1], resumed = new EpochLog[1];
            float[] uninterrupted = train(cluster, data, 3, dir.resolve("whole"), null, whole);
            train(cluster, data, 1, dir.resolve("parts"), null, resumed);
            float[] continued = train(cluster, data, 3, dir.resolve("parts"), dir.resolve("parts").resolve(org.marquee.app.train.RunFolder.LAST), resumed);
            assertArrayEquals(uninterrupted, continued, 0f);
            assertEquals(3, resumed[0].rows().size());
            for (int e = 0; e < 3; e++) {
                EpochResult a = whole[0].rows().get(e), b = resumed[0].rows().get(e);
                assertEquals(a.trainLoss(), b.trainLoss(), 0.0, "train loss of epoch " + (e + 1));
                assertEquals(a.valLoss(), b.valLoss(), 0.0, "validation loss of epoch " + (e + 1));
            }
        }
    }
}
