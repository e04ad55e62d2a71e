package org.marquee.engine;

import java.util.Arrays;

/** Small helpers for row-major shapes. */
public final class Shapes {
    private Shapes() {}

    /**
     * The number of elements of a tensor of this shape: the product of its dimensions, in long.
     *
     * @param shape the dimensions
     * @return their product, 1 for no dimension
     */
    public static long size(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d <= 0) throw new IllegalArgumentException("dimension must be positive: " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * (n, perExample...): a batch of n examples of shape {@code perExample}.
     *
     * @param n the batch size
     * @param perExample the shape of one example
     * @return the batch's shape
     */
    public static int[] withBatch(int n, int... perExample) {
        int[] shape = new int[perExample.length + 1];
        shape[0] = n;
        System.arraycopy(perExample, 0, shape, 1, perExample.length);
        return shape;
    }

    /**
     * "(32, 222, 222)"-style text, batch dimension written as None like Keras when {@code withBatch}.
     *
     * @param shape the dimensions
     * @param withBatch whether the first dimension is the batch
     * @return the text
     */
    public static String format(int[] shape, boolean withBatch) {
        StringBuilder sb = new StringBuilder("(");
        if (withBatch) sb.append("None");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0 || withBatch) sb.append(", ");
            sb.append(shape[i]);
        }
        return sb.append(')').toString();
    }
}
