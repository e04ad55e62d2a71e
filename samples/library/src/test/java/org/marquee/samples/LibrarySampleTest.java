package org.marquee.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider;
import org.marquee.engine.fit.Examples;
import org.marquee.engine.fit.Fit;
import org.marquee.engine.fit.FitListener;
import org.marquee.engine.fit.FitOptions;
import org.marquee.engine.fit.ModelWeights;
import org.marquee.engine.nn.Sequential;

/**
 * The engine used from outside its own build: a dense network on the fast cpu backend learns
 * which of three input features are positive, and its weights survive a save and a load.
 */
class LibrarySampleTest {
    @Test
    void trainsSavesAndLoadsOnTheCpuBackend() throws Exception {
        Backend cpu = BackendProvider.named("cpu").orElseThrow().create(BackendProvider.BackendOptions.defaults());
        Random random = new Random(3);
        float[][] x = new float[256][6], y = new float[256][3];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 6; j++) x[i][j] = (float) random.nextGaussian();
            for (int k = 0; k < 3; k++) y[i][k] = x[i][2 * k] > 0 ? 1 : 0;
        }
        Examples data = Examples.of(x, y);
        Sequential.Builder net = Sequential.builder(cpu, 6).dense(16).relu().dense(3);
        Sequential model = net.build(7);
        double before = Fit.evaluate(model, data, 64);
        Fit.fit(model, data, null, FitOptions.defaults().withEpochs(40).withBatchSize(32).withLearningRate(0.01)
                .withListener(FitListener.SILENT));
        double after = Fit.evaluate(model, data, 64);
        assertTrue(after < before - 0.3, "the loss falls: " + before + " -> " + after);

        Path file = Files.createTempFile("sample", ".weights");
        ModelWeights.save(model, file);
        Sequential copy = net.build(99);
        ModelWeights.load(copy, file);
        assertArrayEquals(Fit.predict(model, x)[0], Fit.predict(copy, x)[0]);
        Files.delete(file);
    }
}
