package org.marquee.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.ModelSpec;
import org.marquee.engine.checkpoint.TrainingState;

class InputNormalizationTest {
    final InputNormalization n = new InputNormalization(new double[] {0.5, 0.25, 0}, new double[] {0.5, 0.25, 2});

    @Test
    void eachChannelByItsOwnMeanAndDeviation() {
        float[] chw = {1, 0, 0.5f, 0.25f, 2, -2};   // 3 channels of 2 values
        n.apply(chw);
        assertArrayEquals(new float[] {1, -1, 1, 0, 1, -1}, chw);
        double[] d = {1, 0, 0.5, 0.25, 2, -2};
        n.apply(d);
        assertArrayEquals(new double[] {1, -1, 1, 0, 1, -1}, d);
        float[] batch = {9, 9, 1, 0, 0.5f, 0.25f, 2, -2};   // one poster at offset 2
        n.apply(batch, 2, 6);
        assertArrayEquals(new float[] {9, 9, 1, -1, 1, 0, 1, -1}, batch);
        assertThrows(IllegalArgumentException.class, () -> n.apply(new float[4]));
        assertThrows(IllegalArgumentException.class, () -> new InputNormalization(new double[] {0}, new double[] {0}));
    }

    @Test
    void statisticsOfTheTrainingPostersMatchAPlainTwoPassComputation() {
        TinyPosters data = new TinyPosters(10, 6, 2, 3);
        InputNormalization stats = InputNormalization.of(data);
        int per = data.pixelsPerImage(), plane = per / 3;
        float[] pixels = new float[10 * per];
        int[] all = new int[10];
        for (int i = 0; i < 10; i++) all[i] = i;
        data.fillBatch(all, pixels, new float[10 * 2]);
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            for (int i = 0; i < 10; i++) for (int k = 0; k < plane; k++) sum += pixels[i * per + c * plane + k];
            double mean = sum / (10.0 * plane), sq = 0;
            for (int i = 0; i < 10; i++) for (int k = 0; k < plane; k++) sq += Math.pow(pixels[i * per + c * plane + k] - mean, 2);
            assertEquals(mean, stats.mean()[c], 1e-12);
            assertEquals(Math.sqrt(sq / (10.0 * plane)), stats.std()[c], 1e-9);
        }
        // normalized, the training posters have mean 0 and deviation 1 per channel
        for (int i = 0; i < 10; i++) stats.apply(pixels, i * per, per);
        for (int c = 0; c < 3; c++) {
            double s = 0, q = 0;
            for (int i = 0; i < 10; i++) for (int k = 0; k < plane; k++) { double x = pixels[i * per + c * plane + k]; s += x; q += x * x; }
            assertEquals(0, s / (10.0 * plane), 1e-5);
            assertEquals(1, q / (10.0 * plane), 1e-4);
        }
    }

    @Test
    void travelsInACheckpoint() {
        Checkpoint c = new Checkpoint(new ModelSpec("poster-cnn", 3, 2, 2, 1, 1, "x"), List.of("a"), TrainingState.initial(1),
                Checkpoint.Precision.FLOAT32, new double[1], 0, null, null);
        assertTrue(InputNormalization.from(c).isEmpty());
        assertEquals(n, InputNormalization.from(c.with(c.run(), n.toArrays())).orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> InputNormalization.from(c.with(c.run(), n.toArrays().subList(0, 1))));
    }
}
