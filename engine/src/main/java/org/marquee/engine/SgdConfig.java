package org.marquee.engine;

import org.marquee.engine.nn.Optimizer;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.nn.Sgd;

/**
 * Hyper-parameters of stochastic gradient descent with momentum ({@link Sgd}). Each step, with g
 * the (clipped) gradient and v the velocity, which starts at 0:
 * <pre>
 *   v  = momentum · v + g
 *   p -= lr · v                               (Nesterov: p -= lr · (g + momentum · v))
 * </pre>
 * This is PyTorch's form: the learning rate multiplies the velocity, not each gradient as it
 * enters it. Keras writes {@code v = momentum · v - lr · g; p += v}; the two take the same steps
 * while the learning rate stays constant, and differ only in how a changed rate reaches the
 * velocity already accumulated (here at once). momentum 0 is plain SGD, {@code p -= lr · g}.
 *
 * <p>{@code clipNorm} and {@code weightDecay} mean what they mean for {@link AdamConfig}: the
 * gradient is rescaled when its global L2 norm exceeds {@code clipNorm}, and with
 * {@code weightDecay} &gt; 0 every kernel weight first shrinks as {@code w -= lr · weightDecay · w},
 * decoupled from the gradient and the velocity (SGDW). {@code lr · weightDecay} must stay below 1.
 *
 * @param learningRate the step size lr
 * @param momentum     the velocity's decay, in [0, 1); 0 = plain SGD
 * @param nesterov     whether the step looks ahead along the velocity (Nesterov momentum; needs momentum &gt; 0)
 * @param clipNorm     the largest global L2 norm of the gradient, 0 = no clipping
 * @param weightDecay  decoupled decay of the kernel weights, 0 = none
 */
public record SgdConfig(double learningRate, double momentum, boolean nesterov, double clipNorm, double weightDecay)
        implements OptimizerConfig {
    /**
     * Checks every hyper-parameter's range, naming the one out of it.
     *
     * @param learningRate the step size lr, above 0
     * @param momentum the velocity's decay, in [0, 1)
     * @param nesterov Nesterov momentum (needs momentum &gt; 0)
     * @param clipNorm the largest global gradient norm, 0 = no clipping
     * @param weightDecay decoupled decay of the kernels, 0 = off
     */
    public SgdConfig {
        if (!(learningRate > 0) || learningRate == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("learning rate must be positive and finite: " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1): " + momentum);
        if (nesterov && momentum == 0) throw new IllegalArgumentException("Nesterov momentum needs a momentum above 0");
        if (!(clipNorm >= 0)) throw new IllegalArgumentException("clip norm must be >= 0 (0 = off): " + clipNorm);
        if (!(weightDecay >= 0) || weightDecay == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("weight decay must be >= 0 and finite (0 = off): " + weightDecay);
        }
        if (weightDecay > 0 && !(learningRate * weightDecay < 1)) {
            throw new IllegalArgumentException("learning rate x weight decay must be below 1, not " + learningRate + " x " + weightDecay);
        }
    }

    /**
     * Classical momentum, without clipping or weight decay.
     *
     * @param learningRate the step size lr, above 0
     * @param momentum the velocity's decay, in [0, 1)
     */
    public SgdConfig(double learningRate, double momentum) {
        this(learningRate, momentum, false, 0, 0);
    }

    /**
     * This configuration with another learning rate.
     *
     * @param lr the step size, above 0
     * @return the new configuration
     */
    @Override
    public SgdConfig withLearningRate(double lr) { return new SgdConfig(lr, momentum, nesterov, clipNorm, weightDecay); }

    /**
     * This configuration with another clipping norm.
     *
     * @param clip the largest global gradient norm, 0 = no clipping
     * @return the new configuration
     */
    public SgdConfig withClipNorm(double clip) { return new SgdConfig(learningRate, momentum, nesterov, clip, weightDecay); }

    /**
     * This configuration with another weight decay.
     *
     * @param wd the decoupled decay of the kernels, 0 = none
     * @return the new configuration
     */
    public SgdConfig withWeightDecay(double wd) { return new SgdConfig(learningRate, momentum, nesterov, clipNorm, wd); }

    /**
     * This configuration with Nesterov momentum on or off.
     *
     * @param on whether to use Nesterov momentum
     * @return the new configuration
     */
    public SgdConfig withNesterov(boolean on) { return new SgdConfig(learningRate, momentum, on, clipNorm, weightDecay); }

    /**
     * SGD for {@code model}'s parameters, decaying (when asked) its kernels only: {@link Sgd#forModel}.
     *
     * @param model the model whose parameters are optimized
     * @return the optimizer, which owns its velocity: close it
     */
    @Override
    public Optimizer open(Sequential model) { return Sgd.forModel(model, this); }
}
