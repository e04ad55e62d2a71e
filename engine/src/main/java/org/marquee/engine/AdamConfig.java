package org.marquee.engine;

/**
 * Adam hyper-parameters; {@link #keras()} gives Keras' defaults (lr 1e-3, beta1 0.9, beta2 0.999,
 * epsilon 1e-7). {@code clipNorm} &gt; 0 rescales the gradient when its global L2 norm exceeds it.
 */
public record AdamConfig(double learningRate, double beta1, double beta2, double epsilon, double clipNorm) {
    public AdamConfig {
        if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be positive: " + learningRate);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1): " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1): " + beta2);
        if (!(epsilon > 0)) throw new IllegalArgumentException("epsilon must be positive: " + epsilon);
        if (!(clipNorm >= 0)) throw new IllegalArgumentException("clip norm must be >= 0 (0 = off): " + clipNorm);
    }

    public static AdamConfig keras() { return new AdamConfig(1e-3, 0.9, 0.999, 1e-7, 0); }

    public AdamConfig withLearningRate(double lr) { return new AdamConfig(lr, beta1, beta2, epsilon, clipNorm); }
    public AdamConfig withClipNorm(double clip) { return new AdamConfig(learningRate, beta1, beta2, epsilon, clip); }
}
