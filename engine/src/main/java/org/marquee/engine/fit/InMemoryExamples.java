package org.marquee.engine.fit;

import java.util.Arrays;
import org.marquee.engine.Shapes;

/** The examples in memory, validated and copied by {@link Examples#of}. */
final class InMemoryExamples implements Examples {
    private final float[][] inputs;
    private final float[][] targets;
    private final int[] shape;
    private final int inputSize;
    private final int targetSize;

    InMemoryExamples(float[][] inputs, float[][] targets, int[] inputShape) {
        if (inputs == null || targets == null) throw new IllegalArgumentException("inputs and targets must not be null");
        if (inputs.length == 0) throw new IllegalArgumentException("no examples: inputs is empty");
        if (inputs.length != targets.length) {
            throw new IllegalArgumentException(inputs.length + " inputs but " + targets.length + " targets");
        }
        if (inputs[0] == null || targets[0] == null) throw new IllegalArgumentException("example 0 is null");
        int[] s = inputShape == null || inputShape.length == 0 ? new int[] {inputs[0].length} : inputShape.clone();
        if (Arrays.stream(s).anyMatch(d -> d < 1)) throw new IllegalArgumentException("input shape " + Arrays.toString(s) + " has a dimension below 1");
        this.shape = s;
        this.inputSize = Math.toIntExact(Shapes.size(s));
        this.targetSize = targets[0].length;
        if (targetSize == 0) throw new IllegalArgumentException("targets[0] is empty");
        this.inputs = new float[inputs.length][];
        this.targets = new float[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            float[] x = inputs[i], t = targets[i];
            if (x == null || t == null) throw new IllegalArgumentException("example " + i + " is null");
            if (x.length != inputSize) {
                throw new IllegalArgumentException("inputs[" + i + "] has " + x.length + " values but the input shape "
                        + Arrays.toString(s) + " needs " + inputSize);
            }
            if (t.length != targetSize) {
                throw new IllegalArgumentException("targets[" + i + "] has " + t.length + " values but targets[0] has " + targetSize);
            }
            for (int j = 0; j < x.length; j++) {
                if (!Float.isFinite(x[j])) throw new IllegalArgumentException("inputs[" + i + "][" + j + "] is " + x[j]);
            }
            for (int j = 0; j < t.length; j++) {
                if (!(t[j] >= 0 && t[j] <= 1)) throw new IllegalArgumentException("targets[" + i + "][" + j + "] is " + t[j] + ", not in [0, 1]");
            }
            this.inputs[i] = x.clone();
            this.targets[i] = t.clone();
        }
    }

    @Override public int size() { return inputs.length; }
    @Override public int[] inputShape() { return shape.clone(); }
    @Override public int targetSize() { return targetSize; }
    @Override public int inputSize() { return inputSize; }

    @Override
    public void fill(int[] indices, float[] in, float[] out) {
        for (int i = 0; i < indices.length; i++) {
            int k = indices[i];
            if (k < 0 || k >= inputs.length) throw new IndexOutOfBoundsException("example " + k + " of " + inputs.length);
            System.arraycopy(inputs[k], 0, in, i * inputSize, inputSize);
            System.arraycopy(targets[k], 0, out, i * targetSize, targetSize);
        }
    }

    @Override
    public String toString() {
        return inputs.length + " examples of " + Arrays.toString(shape) + " with " + targetSize + " targets";
    }
}
