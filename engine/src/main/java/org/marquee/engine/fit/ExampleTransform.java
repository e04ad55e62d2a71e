package org.marquee.engine.fit;

/**
 * Changes one training example before the model sees it (augmentation: a flip, a crop, a colour
 * shift). It must be a pure function of the example and (step, row), so that a run and its resumed
 * continuation see the same inputs; validation examples are never transformed.
 */
@FunctionalInterface
public interface ExampleTransform {
    /**
     * Transforms in place the example at {@code inputs[offset .. offset + size)}, of the model's
     * input shape.
     *
     * @param inputs the batch's inputs
     * @param offset where this example starts
     * @param shape the input shape of one example
     * @param step the run's step counter
     * @param row the example's row in the batch
     */
    void apply(float[] inputs, int offset, int[] shape, long step, int row);
}
