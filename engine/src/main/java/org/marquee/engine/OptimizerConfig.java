package org.marquee.engine;

import org.marquee.engine.nn.Optimizer;
import org.marquee.engine.nn.Sequential;

/**
 * The hyper-parameters of one of the engine's optimizers: {@link AdamConfig} (Adam, AdamW) or
 * {@link SgdConfig} (SGD with momentum). Both validate their values when built and share the
 * meaning of the learning rate, the clipping norm (the gradient is rescaled when its global L2
 * norm exceeds it, 0 = off) and the weight decay (decoupled, kernels only, 0 = off).
 */
public sealed interface OptimizerConfig permits AdamConfig, SgdConfig {
    /**
     * The step size.
     *
     * @return the learning rate, above 0
     */
    double learningRate();

    /**
     * The largest global L2 norm of the gradient.
     *
     * @return the clipping norm, 0 = no clipping
     */
    double clipNorm();

    /**
     * The decoupled weight decay wd: each step first shrinks every kernel weight w by lr·wd·w.
     *
     * @return the weight decay, 0 = none
     */
    double weightDecay();

    /**
     * This configuration with another learning rate.
     *
     * @param lr the step size, above 0
     * @return the new configuration, of this one's kind
     */
    OptimizerConfig withLearningRate(double lr);

    /**
     * An optimizer of this kind for {@code model}'s parameter block, decaying (when the
     * configuration asks for it) the model's kernels only, never its biases.
     *
     * @param model the model whose parameters are optimized
     * @return the optimizer, which owns its state: close it
     */
    Optimizer open(Sequential model);
}
