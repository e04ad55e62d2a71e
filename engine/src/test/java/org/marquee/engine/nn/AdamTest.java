package org.marquee.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.reference.ReferenceBackend;

class AdamTest {
    private final Backend ref = new ReferenceBackend();

    private Tensor of(double... v) {
        Tensor t = ref.allocate(v.length);
        ref.upload(t, v);
        return t;
    }

    @Test
    void firstStepMovesEachParameterByTheLearningRate() {
        Adam adam = new Adam(ref, AdamConfig.keras(), 3);
        Tensor p = of(1, 2, 3);
        double norm = adam.step(p, of(0.5, -2, 0));
        assertEquals(Math.sqrt(0.25 + 4), norm, 1e-15);
        assertEquals(1, adam.iterations());
        // step 1: m̂ / sqrt(v̂) = g / |g|, so each moves by lr against its gradient (ε aside)
        assertArrayEquals(new double[] {1 - 1e-3, 2 + 1e-3, 3}, p.toDoubles(), 1e-8);   // ε shifts it by < 1e-8
        assertArrayEquals(new double[] {0.05, -0.2, 0}, adam.m().toDoubles(), 1e-15);
        assertArrayEquals(new double[] {0.25e-3, 4e-3, 0}, adam.v().toDoubles(), 1e-15);
    }

    @Test
    void clipsByGlobalNorm() {
        AdamConfig clip = AdamConfig.keras().withClipNorm(1.0);
        Adam clipped = new Adam(ref, clip, 2);
        Tensor p = of(0, 0);
        double norm = clipped.step(p, of(3, 4));
        assertEquals(5, norm, 1e-15, "reports the norm before clipping");
        // the moments saw the gradient rescaled to norm 1: (0.6, 0.8)
        assertArrayEquals(new double[] {0.06, 0.08}, clipped.m().toDoubles(), 1e-15);
        assertArrayEquals(new double[] {0.36e-3, 0.64e-3}, clipped.v().toDoubles(), 1e-15);

        Adam unclippedSmall = new Adam(ref, clip, 2);
        unclippedSmall.step(of(0, 0), of(0.3, 0.4));
        assertArrayEquals(new double[] {0.03, 0.04}, unclippedSmall.m().toDoubles(), 1e-15, "below the clip norm: untouched");
    }

    @Test
    void iterationsCanBeRestored() {
        Adam adam = new Adam(ref, AdamConfig.keras(), 1);
        adam.setIterations(10);
        Tensor p = of(0);
        adam.step(p, of(1));
        assertEquals(11, adam.iterations());
        double lr = 1e-3, t = 11;
        double mHat = 0.1 / (1 - Math.pow(0.9, t)), vHat = 1e-3 / (1 - Math.pow(0.999, t));
        // Keras puts epsilon on the uncorrected sqrt(v): lr_t * m / (sqrt(v) + eps)
        double expected = -lr * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t)) * 0.1 / (Math.sqrt(1e-3) + 1e-7);
        assertEquals(expected, p.toDoubles()[0], 1e-15);
        assertEquals(-lr * mHat / Math.sqrt(vHat), p.toDoubles()[0], 1e-8);
        assertThrows(IllegalArgumentException.class, () -> adam.step(of(1, 2), of(1, 2)));
    }
}
