package org.marquee.engine.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * The files of the earlier formats, best.weights ("MRQWGHT" 1) and last.state ("MRQSTAT" 1), written
 * by a 2-epoch run of {@link FitTest}'s network and a small CNN before the one model-file format,
 * still load and resume exactly; a resumed run writes the current format.
 */
class LegacyModelFilesTest {
    private final ReferenceBackend ref = new ReferenceBackend();

    private Sequential net(long seed) {
        return Sequential.builder(ref, 6).dense(12).relu().dropout(0.25).dense(3).build(seed);
    }

    private static FitOptions options(Path dir, int epochs) {
        return FitOptions.defaults().withBatchSize(8).withLearningRate(0.01).withListener(FitListener.SILENT).withEpochs(epochs)
                .withCheckpoints(dir);
    }

    private static Path legacy(String name) throws Exception {
        return Path.of(LegacyModelFilesTest.class.getResource("/org/marquee/engine/checkpoint/legacy/" + name).toURI());
    }

    @Test
    void aVersion1WeightsFileLoadsTheSameValues(@TempDir Path dir) throws Exception {
        Sequential cnn = Sequential.builder(ref, 2, 9, 9).convBlock(4, 3).dropout(0.1).flatten().dense(8).relu().dense(3).build(1);
        Sequential loaded = Sequential.builder(ref, 2, 9, 9).convBlock(4, 3).dropout(0.1).flatten().dense(8).relu().dense(3).build(2);
        ModelWeights.load(loaded, legacy("v1-cnn.weights"));
        double[] want = cnn.parameters().toDoubles(), got = loaded.parameters().toDoubles();
        for (int i = 0; i < want.length; i++) assertEquals((float) want[i], got[i], 0, "value " + i);

        Sequential now = net(0), then = net(0);
        Fit.fit(net(3), FitTest.data(60, 1, false), FitTest.data(24, 2, false), options(dir, 2));
        ModelWeights.load(now, dir.resolve(Fit.BEST));
        ModelWeights.load(then, legacy("v1-best.weights"));
        double[] nowW = now.parameters().toDoubles(), thenW = then.parameters().toDoubles();
        for (int i = 0; i < nowW.length; i++) assertEquals((float) nowW[i], thenW[i], 0, "the same run's best weights, then (float32) and now");
    }

    @Test
    void aVersion1TrainingStateResumesExactly(@TempDir Path dir) throws Exception {
        Examples train = FitTest.data(60, 1, false), val = FitTest.data(24, 2, false);
        Sequential straight = net(3);
        FitResult full = Fit.fit(straight, train, val, options(dir.resolve("a"), 3));

        Path b = Files.createDirectories(dir.resolve("b"));
        Files.copy(legacy("v1-last.state"), b.resolve(ModelFiles.LEGACY_STATE));   // a run folder as the earlier format left it
        Files.copy(legacy("v1-best.weights"), b.resolve(ModelFiles.LEGACY_BEST));
        Sequential resumed = net(99);
        FitResult rest = Fit.resume(resumed, train, val, options(b, 3));
        assertArrayEquals(straight.parameters().toDoubles(), resumed.parameters().toDoubles(), "bit-identical weights");
        assertArrayEquals(full.trainLosses(), rest.trainLosses());
        assertArrayEquals(full.validationLosses(), rest.validationLosses());
        assertEquals(full.bestEpoch(), rest.bestEpoch());
        byte[] magic = java.util.Arrays.copyOf(Files.readAllBytes(b.resolve(Fit.LAST)), 8);
        assertArrayEquals(org.marquee.engine.checkpoint.CheckpointFile.magic(), magic, "the resumed run writes the current format");
    }
}
