package org.marquee.engine.nn;

import java.util.Arrays;
import org.marquee.engine.Shapes;
import org.marquee.engine.Tensor;

/** Shape checks shared by the layers; every message names the layer and the expected shape. */
final class LayerChecks {
    private LayerChecks() {}

    /** The batch size of {@code t}, after checking that it is (N, perExample...). */
    static int batchOf(String layer, String what, Tensor t, int[] perExample) {
        int[] s = t.shape();
        boolean ok = s.length == perExample.length + 1
                && Arrays.equals(Arrays.copyOfRange(s, 1, s.length), perExample);
        if (!ok) {
            throw new IllegalArgumentException(layer + ": expected " + what + " of shape "
                    + Shapes.format(perExample, true) + " but got " + Arrays.toString(s));
        }
        return s[0];
    }

    /** Fails unless backward follows a forward with the same batch size. */
    static void requireForward(String layer, int forwardBatch, int backwardBatch) {
        if (forwardBatch == 0) throw new IllegalStateException(layer + ": backward called before forward");
        if (forwardBatch != backwardBatch) {
            throw new IllegalArgumentException(layer + ": backward batch " + backwardBatch
                    + " differs from the last forward batch " + forwardBatch);
        }
    }

    /** A build-time shape error naming the layer, what it expected and what it got. */
    static IllegalArgumentException shapeError(String layer, String type, String expected, int[] actual) {
        return new IllegalArgumentException(layer + " (" + type + "): expected " + expected
                + " but the input shape is " + Shapes.format(actual, false));
    }
}
