package org.marquee.engine.nn;

import org.marquee.engine.Tensor;

/**
 * One layer of a {@link Sequential} model: forward and backward side by side.
 *
 * <p>Layers are created by {@link Sequential.Builder}, never directly. A layer owns its output and
 * input-gradient buffers (allocated for the largest batch seen, then reused), so the tensors it
 * returns stay valid until its next forward or backward call. Shapes are per example and
 * channel-first: (C, H, W) for images, (F) for flat features.
 */
public interface Layer {

    /**
     * Keras-style name: "conv2d_1", "max_pooling2d_1", "dropout_1", "flatten_1", "dense_1".
     *
     * @return the layer's name
     */
    String name();

    /**
     * "Conv2D", "MaxPooling2D", "Dropout", "Flatten", "Dense", "ReLU", "Sigmoid".
     *
     * @return the layer's Keras type name
     */
    String type();

    /**
     * Input shape of one example, e.g. {3, 224, 224}.
     *
     * @return a copy of the input shape
     */
    int[] inputShape();

    /**
     * Output shape of one example, e.g. {32, 222, 222}.
     *
     * @return a copy of the output shape
     */
    int[] outputShape();

    /**
     * Number of trainable parameters.
     *
     * @return the number of kernel and bias elements, 0 for a layer without parameters
     */
    int parameterCount();

    /**
     * {@code x} (N, inputShape...) to y (N, outputShape...); {@code training} enables dropout.
     *
     * @param x the input batch
     * @param training whether this is a training pass
     * @return the output, owned by the layer and overwritten by the next forward
     */
    Tensor forward(Tensor x, boolean training);

    /**
     * Given dL/dy of the last forward, adds this layer's parameter gradients and returns dL/dx, or
     * {@code null} when no layer before this one needs it (the first layer of a model computes no
     * image gradient).
     *
     * @param dy dL/dy, of the last output's shape
     * @return dL/dx, owned by the layer, or null
     */
    Tensor backward(Tensor dy);
}
