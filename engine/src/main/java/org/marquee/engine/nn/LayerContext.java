package org.marquee.engine.nn;

import org.marquee.engine.Backend;

/**
 * What a layer receives while a model is built: the backend it computes on, the parameter block
 * where it reserves its weights, and the buffers it draws activations and workspaces from.
 * {@code inputGradient} says whether anything before the layer needs dL/dx. {@code first} and
 * {@code last} say where it sits: the first layer's input and the last layer's output gradient
 * are the caller's tensors; every other input and output gradient is a buffer of the model that
 * nothing reads after this layer has used it.
 */
record LayerContext(Backend backend, ParameterBlock parameters, Buffers buffers, boolean inputGradient,
                    boolean first, boolean last) {

    /**
     * Whether the layer sits between two others, so that an elementwise layer may write its output
     * over its input and dL/dx over dL/dy instead of keeping buffers of its own.
     */
    boolean inPlace() { return !first && !last; }

    /** Whether the layer may overwrite the output gradient it is given (any layer but the last). */
    boolean ownsOutputGradient() { return !last; }

    /** The context of a layer inside a block: it sits between two others, and needs dL/dx when {@code inputGradient}. */
    LayerContext inside(boolean inputGradient) {
        return new LayerContext(backend, parameters, buffers, inputGradient, false, false);
    }
}
