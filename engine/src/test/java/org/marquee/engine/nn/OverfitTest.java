package org.marquee.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.reference.ReferenceBackend;

/** A small CNN memorizes 8 generated images: the whole training path (layers, loss, Adam) works. */
class OverfitTest {
    private final Backend ref = new ReferenceBackend();

    @Test
    void smallCnnDrivesTheLossNearZero() {
        int n = 8, labels = 4;
        Sequential model = Sequential.builder(ref, 3, 12, 12)
                .conv2d(8, 3).relu().maxPool2x2().dropout(0.1)
                .flatten().dense(32).relu().dense(labels)
                .build(5);
        Tensor x = images(n);
        Tensor t = TestTensors.bits(ref, 4, n, labels);
        Tensor grad = ref.allocate(n, labels);
        Adam adam = new Adam(ref, AdamConfig.keras().withLearningRate(3e-3).withClipNorm(5), model.parameterCount());

        double first = Double.NaN, loss = Double.NaN;
        for (int step = 0; step < 300; step++) {
            model.setStep(step);
            model.zeroGradients();
            loss = Loss.sigmoidCrossEntropy(ref, model.forward(x, true), t, grad);
            if (step == 0) first = loss;
            model.backward(grad);
            adam.step(model.parameters(), model.gradients());
            if (loss < 0.02) break;
        }
        assertEquals(Math.log(2), first, 0.15, "starts near ln 2 per label");
        double eval = Loss.sigmoidCrossEntropy(ref, model.forward(x, false), t, grad);
        assertTrue(eval < 0.05, "training loss " + loss + ", inference loss " + eval);
    }

    /** Noise plus a bright square whose place depends on the image, in 3 channels of 12x12. */
    private Tensor images(int n) {
        SplittableRandom r = new SplittableRandom(9);
        double[] v = new double[n * 3 * 144];
        for (int i = 0; i < n; i++) {
            int sy = r.nextInt(8), sx = r.nextInt(8);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 12; y++)
                    for (int xx = 0; xx < 12; xx++) {
                        boolean square = y >= sy && y < sy + 4 && xx >= sx && xx < sx + 4;
                        v[((i * 3 + c) * 12 + y) * 12 + xx] = r.nextDouble(0, 0.3) + (square ? 0.7 : 0);
                    }
        }
        Tensor x = ref.allocate(n, 3, 12, 12);
        ref.upload(x, v);
        return x;
    }
}
