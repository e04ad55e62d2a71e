package org.marquee.engine.nn;

import java.util.SplittableRandom;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;

/** Seeded test inputs with the properties gradient checks need. */
public final class TestTensors {
    private TestTensors() {}

    /** Uniform values in [-1, 1). */
    public static Tensor uniform(Backend backend, long seed, int... shape) {
        Tensor t = backend.allocate(shape);
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[t.intSize()];
        for (int i = 0; i < v.length; i++) v[i] = r.nextDouble(-1, 1);
        backend.upload(t, v);
        return t;
    }

    /** Values with 0.1 <= |v| < 1 and random sign: no ReLU input within 0.1 of its kink. */
    public static Tensor awayFromZero(Backend backend, long seed, int... shape) {
        Tensor t = backend.allocate(shape);
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[t.intSize()];
        for (int i = 0; i < v.length; i++) v[i] = (r.nextBoolean() ? 1 : -1) * r.nextDouble(0.1, 1);
        backend.upload(t, v);
        return t;
    }

    /** A shuffled set of distinct values 0.01 apart: max-pool windows without ties. */
    public static Tensor distinct(Backend backend, long seed, int... shape) {
        Tensor t = backend.allocate(shape);
        int n = t.intSize();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (i - n / 2.0) * 0.01;
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double tmp = v[i]; v[i] = v[j]; v[j] = tmp;
        }
        backend.upload(t, v);
        return t;
    }

    /** Random 0/1 targets. */
    public static Tensor bits(Backend backend, long seed, int... shape) {
        Tensor t = backend.allocate(shape);
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[t.intSize()];
        for (int i = 0; i < v.length; i++) v[i] = r.nextBoolean() ? 1 : 0;
        backend.upload(t, v);
        return t;
    }
}
