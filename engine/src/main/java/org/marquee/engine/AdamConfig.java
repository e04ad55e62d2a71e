package org.marquee.engine;

import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Optimizer;
import org.marquee.engine.nn.Sequential;

/**
 * Adam hyper-parameters; {@link #keras()} gives Keras' defaults (lr 1e-3, beta1 0.9, beta2 0.999,
 * epsilon 1e-7, no weight decay). {@code clipNorm} &gt; 0 rescales the gradient when its global L2
 * norm exceeds it. {@code weightDecay} &gt; 0 turns Adam into AdamW: before each Adam update every
 * kernel weight shrinks as {@code w -= lr · weightDecay · w}, decoupled from the gradient and its
 * moments (Loshchilov and Hutter); 0, the default, is plain Adam. {@code lr · weightDecay} must stay
 * below 1, or the decay would flip the weights' sign.
 *
 * @param learningRate the step size lr
 * @param beta1        decay of the first moment (mean of the gradients)
 * @param beta2        decay of the second moment (mean of their squares)
 * @param epsilon      added to the square root of the second moment
 * @param clipNorm     the largest global L2 norm of the gradient, 0 = no clipping
 * @param weightDecay  AdamW's decoupled decay of the kernel weights, 0 = plain Adam
 */
public record AdamConfig(double learningRate, double beta1, double beta2, double epsilon, double clipNorm, double weightDecay)
        implements OptimizerConfig {
    /**
     * Checks every hyper-parameter's range, naming the one out of it.
     *
     * @param learningRate the step size lr, above 0
     * @param beta1 the first moment's decay, in [0, 1)
     * @param beta2 the second moment's decay, in [0, 1)
     * @param epsilon added to sqrt(v), above 0
     * @param clipNorm the largest global gradient norm, 0 = no clipping
     * @param weightDecay AdamW's decoupled decay of the kernels, 0 = off
     */
    public AdamConfig {
        if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be positive: " + learningRate);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1): " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1): " + beta2);
        if (!(epsilon > 0)) throw new IllegalArgumentException("epsilon must be positive: " + epsilon);
        if (!(clipNorm >= 0)) throw new IllegalArgumentException("clip norm must be >= 0 (0 = off): " + clipNorm);
        if (!(weightDecay >= 0) || weightDecay == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("weight decay must be >= 0 and finite (0 = off): " + weightDecay);
        }
        if (weightDecay > 0 && !(learningRate * weightDecay < 1)) {
            throw new IllegalArgumentException("learning rate x weight decay must be below 1, not " + learningRate + " x " + weightDecay);
        }
    }

    /**
     * Without weight decay: plain Adam.
     *
     * @param learningRate the step size lr, above 0
     * @param beta1 the first moment's decay, in [0, 1)
     * @param beta2 the second moment's decay, in [0, 1)
     * @param epsilon added to sqrt(v), above 0
     * @param clipNorm the largest global gradient norm, 0 = no clipping
     */
    public AdamConfig(double learningRate, double beta1, double beta2, double epsilon, double clipNorm) {
        this(learningRate, beta1, beta2, epsilon, clipNorm, 0);
    }

    /**
     * Keras' defaults: lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7, no clipping, no weight decay.
     *
     * @return the configuration
     */
    public static AdamConfig keras() { return new AdamConfig(1e-3, 0.9, 0.999, 1e-7, 0, 0); }

    /**
     * This configuration with another learning rate.
     *
     * @param lr the step size, above 0
     * @return the new configuration
     */
    @Override
    public AdamConfig withLearningRate(double lr) { return new AdamConfig(lr, beta1, beta2, epsilon, clipNorm, weightDecay); }
    /**
     * This configuration with another clipping norm.
     *
     * @param clip the largest global gradient norm, 0 = no clipping
     * @return the new configuration
     */
    public AdamConfig withClipNorm(double clip) { return new AdamConfig(learningRate, beta1, beta2, epsilon, clip, weightDecay); }
    /**
     * This configuration with another weight decay.
     *
     * @param wd AdamW's decay, 0 = plain Adam
     * @return the new configuration
     */
    public AdamConfig withWeightDecay(double wd) { return new AdamConfig(learningRate, beta1, beta2, epsilon, clipNorm, wd); }

    /**
     * Adam for {@code model}'s parameters, decaying (when asked) its kernels only: {@link Adam#forModel}.
     *
     * @param model the model whose parameters are optimized
     * @return the optimizer, which owns m and v: close it
     */
    @Override
    public Optimizer open(Sequential model) { return Adam.forModel(model, this); }
}
