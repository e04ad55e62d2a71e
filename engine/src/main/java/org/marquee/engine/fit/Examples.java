package org.marquee.engine.fit;

import org.marquee.engine.Shapes;

/**
 * A data set for {@link Fit}: a fixed number of examples, each an input of {@link #inputShape()}
 * (channel-first, as {@link org.marquee.engine.nn.Sequential} takes it) and a target of
 * {@link #targetSize()} values in [0, 1], one per model output (multi-label: any number of them
 * may be 1). Implementations may read from memory, a cache file or decode images on demand;
 * {@link #fill} is called from one thread at a time.
 */
public interface Examples {
    /**
     * The number of examples, at least 1.
     *
     * @return the number of examples
     */
    int size();

    /**
     * The shape of one input, e.g. (3, 64, 64) or (20); the model's input shape.
     *
     * @return a copy of the shape
     */
    int[] inputShape();

    /**
     * The number of target values per example, the model's output size.
     *
     * @return the values per target
     */
    int targetSize();

    /**
     * Writes the examples {@code indices[0..k)} into row i of {@code inputs} (at
     * {@code i * inputSize}) and of {@code targets} (at {@code i * targetSize()}), for i &lt; k =
     * {@code indices.length}. The arrays may be longer than k rows; what lies beyond is left alone.
     *
     * @param indices the examples to copy, in order
     * @param inputs the batch's inputs, row-major, one row per example
     * @param targets the batch's targets, one row per example
     */
    void fill(int[] indices, float[] inputs, float[] targets);

    /**
     * Examples held in memory: {@code inputs[i]} with {@code targets[i]}. Every input has
     * {@code inputShape}'s size (no shape given: a flat input of {@code inputs[0].length}),
     * every target the same length, and every value is finite, each target in [0, 1]; the first
     * row that breaks a rule is named. The arrays are copied.
     *
     * @param inputs one flattened input per example
     * @param targets one target row per example, values in [0, 1]
     * @param inputShape the shape of one input; none for a flat input
     * @return the examples
     */
    static Examples of(float[][] inputs, float[][] targets, int... inputShape) {
        return new InMemoryExamples(inputs, targets, inputShape);
    }

    /**
     * The number of values in one input.
     *
     * @return the product of {@link #inputShape()}
     */
    default int inputSize() { return Math.toIntExact(Shapes.size(inputShape())); }
}
