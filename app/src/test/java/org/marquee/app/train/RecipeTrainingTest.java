package org.marquee.app.train;

import org.marquee.engine.fit.LearningRateSchedule;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.PosterModel;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * Augmentation, a warm-up + cosine schedule and weight decay together on the 24x24 model: a run
 * stopped after its first epoch and resumed ends bit for bit where the unbroken run does, and
 * each ingredient changes the run.
 */
class RecipeTrainingTest {
    static final int SIZE = 24, LABELS = 3;
    static final long SEED = 11;
    @TempDir Path dir;

    final TinyPosters train = new TinyPosters(48, SIZE, LABELS, 1);
    final TinyPosters val = new TinyPosters(16, SIZE, LABELS, 2);
    final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    TrainOptions recipe(Path output, Augmentation augmentation, LearningRateSchedule.Plan plan, double weightDecay) {
        AdamConfig adam = TrainOptions.adam(3e-3, 1.0).withWeightDecay(weightDecay);
        return new TrainOptions(2, 8, adam, SEED, 0, output, false, augmentation, plan);
    }

    TrainOptions full(Path output) {
        return recipe(output, Augmentation.all(), new LearningRateSchedule.Plan(LearningRateSchedule.Shape.COSINE, 1), 0.05);
    }

    /** Trains with {@code options}, from {@code resumeFrom} if given, stopping once epoch {@code stopAfter} is saved (0: never). */
    double[] train(TrainOptions options, Path resumeFrom, int stopAfter) throws IOException {
        try (ReferenceBackend backend = new ReferenceBackend();
             Sequential model = PosterModel.build(backend, SEED, SIZE, SIZE, LABELS);
             Adam adam = Adam.forModel(model, options.adam())) {
            TrainingState state = TrainingState.initial(SEED);
            EpochLog log = new EpochLog();
            if (resumeFrom != null) {
                Checkpoint c = CheckpointFile.read(resumeFrom);
                ModelState.restore(c, model, adam);
                state = c.training();
                log = EpochLog.parse(state.log());
            }
            Trainer trainer = new Trainer(model, adam, options, train, val, new ProgressLine(out, false, System::nanoTime), out)
                    .withWriter((checkpoint, file) -> {
                        CheckpointFile.write(checkpoint, file);
                        if (file.endsWith(RunFolder.LAST) && checkpoint.training().epoch() == stopAfter) throw new IOException("stopped");
                    });
            trainer.run(state, log);
            assertTrue(log.rows().stream().allMatch(r -> r.valMap() > 0 && r.valMap() <= 1), "mAP is logged: " + log.toCsv());
            return model.parameters().toDoubles();
        }
    }

    @Test
    void aStoppedRunResumesExactly() throws IOException {
        double[] straight = train(full(dir.resolve("straight")), null, 0);
        Path split = dir.resolve("split");
        assertThrows(IOException.class, () -> train(full(split), null, 1));
        double[] resumed = train(full(split), split.resolve(RunFolder.LAST), 0);
        assertArrayEquals(straight, resumed, "augmented, scheduled, decayed: resumed after epoch 1 ends where the unbroken run does");
        assertArrayEquals(straight, train(full(dir.resolve("again")), null, 0), "and a second run repeats the first");
    }

    @Test
    void eachIngredientChangesTheRun() throws IOException {
        LearningRateSchedule.Plan constant = LearningRateSchedule.Plan.constant();
        double[] plain = train(recipe(dir.resolve("plain"), Augmentation.none(), constant, 0), null, 0);
        double[] augmented = train(recipe(dir.resolve("aug"), Augmentation.parse("crop,shift,color"), constant, 0), null, 0);
        double[] cosine = train(recipe(dir.resolve("cos"), Augmentation.none(),
                new LearningRateSchedule.Plan(LearningRateSchedule.Shape.COSINE, 1), 0), null, 0);
        double[] decayed = train(recipe(dir.resolve("wd"), Augmentation.none(), constant, 0.05), null, 0);
        assertFalse(Arrays.equals(plain, augmented), "augmentation");
        assertFalse(Arrays.equals(plain, cosine), "schedule");
        assertFalse(Arrays.equals(plain, decayed), "weight decay");
        double[] defaults = train(new TrainOptions(2, 8, TrainOptions.adam(3e-3, 1.0), SEED, 0, dir.resolve("defaults")), null, 0);
        assertArrayEquals(plain, defaults, "everything off is the plain run, bit for bit");
    }

    @Test
    void theFlipOptionAndTheFlipAugmentationAreOne() {
        Path o = dir.resolve("x");
        TrainOptions byOption = new TrainOptions(2, 8, TrainOptions.adam(3e-3, 1.0), SEED, 0, o, true);
        TrainOptions byAugment = recipe(o, Augmentation.parse("flip"), LearningRateSchedule.Plan.constant(), 0);
        assertEquals(byOption, byAugment);
        assertTrue(byAugment.flip());
        assertThrows(IllegalArgumentException.class,
                () -> recipe(o, Augmentation.none(), new LearningRateSchedule.Plan(LearningRateSchedule.Shape.COSINE, 2), 0),
                "warm-up as long as the run");
    }
}
