package org.marquee.engine.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.reference.ReferenceBackend;

/** The backend update of the moving average against its host twin, on the reference and cpu backends (OpenCL: WeightAverageOpenClTest in app). */
class WeightAverageTest {
    static final int P = 1003;   // not a multiple of any vector width or tile

    static double[] random(SplittableRandom r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextDouble() * 2 - 1;
        return v;
    }

    /** Three updates with changing weights; returns the largest difference from the host formula. */
    static double maxError(Backend b) {
        SplittableRandom r = new SplittableRandom(9);
        double[] w0 = random(r, P);
        try (Tensor params = b.allocate(P); ) {
            b.upload(params, w0);
            double[] host = params.toDoubles();   // the average starts at the weights, as the backend stores them
            try (WeightAverage ema = new WeightAverage(b, params, 0.9)) {
                assertArrayEquals(host, ema.values(), 0.0);
                double worst = 0;
                for (int step = 0; step < 3; step++) {
                    b.upload(params, random(r, P));
                    ema.update();
                    WeightAverage.update(host, params.toDoubles(), 0.9);
                    double[] got = ema.values();
                    for (int i = 0; i < P; i++) worst = Math.max(worst, Math.abs(got[i] - host[i]));
                }
                double[] trained = params.toDoubles();
                double[] seen = ema.swapIn(params::toDoubles);
                assertArrayEquals(ema.values(), seen, 0.0, "the average is in place while swapped in");
                assertArrayEquals(trained, params.toDoubles(), 0.0, "the trained weights are back afterwards");
                return worst;
            }
        }
    }

    @Test
    void referenceMatchesTheHostFormulaExactly() {
        try (Backend b = new ReferenceBackend()) {
            assertEquals(0.0, maxError(b));
        }
    }

    @Test
    void cpuMatchesTheHostFormulaToFloat32() {
        try (Backend b = new CpuBackend(2)) {
            assertEquals(0.0, maxError(b), 3e-7);
        }
    }

    @Test
    void hostFormulaAndLoading() {
        double[] avg = {1, 2};
        WeightAverage.update(avg, new double[] {3, 0}, 0.75);
        assertArrayEquals(new double[] {1.5, 1.5}, avg, 1e-15);
        try (Backend b = new ReferenceBackend(); Tensor params = b.allocate(2); WeightAverage ema = new WeightAverage(b, params, 0.5)) {
            ema.load(new double[] {4, 8});
            assertArrayEquals(new double[] {4, 8}, ema.values(), 0.0);
            assertThrows(IllegalArgumentException.class, () -> ema.load(new double[3]));
            assertThrows(IllegalArgumentException.class, () -> new WeightAverage(b, params, 1.0));
        }
    }
}
