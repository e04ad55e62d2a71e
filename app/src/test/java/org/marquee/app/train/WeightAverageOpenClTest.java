package org.marquee.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.fit.WeightAverage;
import org.marquee.opencl.OpenClRequirement;

/** The weight average's update on OpenCL against its host formula (the other backends: the engine's WeightAverageTest). */
class WeightAverageOpenClTest {
    @Test
    void openClMatchesTheHostFormulaToFloat32() {
        SplittableRandom r = new SplittableRandom(9);
        int n = 1003;
        try (Backend b = OpenClRequirement.backend(); Tensor params = b.allocate(n)) {
            b.upload(params, r.doubles(n, -1, 1).toArray());
            double[] host = params.toDoubles();
            try (WeightAverage ema = new WeightAverage(b, params, 0.9)) {
                for (int step = 0; step < 3; step++) {
                    b.upload(params, r.doubles(n, -1, 1).toArray());
                    ema.update();
                    WeightAverage.update(host, params.toDoubles(), 0.9);
                }
                assertArrayEquals(host, ema.values(), 3e-7);
            }
        }
    }
}
