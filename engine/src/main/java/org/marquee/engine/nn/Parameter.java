package org.marquee.engine.nn;

import java.util.Objects;
import org.marquee.engine.Tensor;

/**
 * A named parameter tensor and its gradient: two views, at the same offset, into a model's
 * parameter block and gradient block. Names look like "conv2d_1/kernel" or "dense_2/bias".
 *
 * @param name     the layer's name and the tensor's, e.g. "conv2d_1/kernel"
 * @param value    the view into the parameter block
 * @param gradient the view into the gradient block, same shape
 */
public record Parameter(String name, Tensor value, Tensor gradient) {
    /**
     * Checks that the name and both views are present and of the same size.
     *
     * @param name the parameter's name, e.g. "conv2d_1/kernel"
     * @param value the view into the parameter block
     * @param gradient the view into the gradient block, at the same offset
     */
    public Parameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(gradient, "gradient");
        if (value.size() != gradient.size()) {
            throw new IllegalArgumentException(name + ": value " + value + " and gradient " + gradient + " differ in size");
        }
    }
}
