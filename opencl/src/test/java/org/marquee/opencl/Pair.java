package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.marquee.engine.Tensor;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * The same tensor on the reference backend and on OpenCL, each a view at a non-zero offset inside
 * a larger storage (so offsets are exercised), filled with the same float32-exact values.
 */
record Pair(Tensor ref, Tensor ocl) {
    static final int PAD = 3;

    static Pair random(ReferenceBackend r, OpenClBackend o, Random rnd, int... shape) {
        Pair p = zeros(r, o, shape);
        double[] v = new double[p.ref.intSize()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextDouble() * 2 - 1);
        p.set(v);
        return p;
    }

    static Pair zeros(ReferenceBackend r, OpenClBackend o, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        Tensor rr = r.allocate(n + 2 * PAD).view(PAD, shape);
        Tensor oo = o.allocate(n + 2 * PAD).view(PAD, shape);
        return new Pair(rr, oo);
    }

    void set(double[] values) {
        ref.backend().upload(ref, values);
        ocl.backend().upload(ocl, values);
    }

    /** Asserts |ocl - ref| <= atol + rtol * |ref| for every element. */
    void assertClose(String what, double atol, double rtol) {
        assertClose(what, ref.toDoubles(), ocl.toDoubles(), atol, rtol);
    }

    static void assertClose(String what, double[] expected, double[] actual, double atol, double rtol) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
                fail(what + ": element " + i + " is " + a + ", reference " + e + " (atol " + atol + ", rtol " + rtol + ")");
            }
        }
    }
}
