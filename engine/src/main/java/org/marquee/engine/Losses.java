package org.marquee.engine;

/**
 * Loss formulas on one element, written once for every place that computes them: the reference
 * backend and the host-side evaluation.
 */
public final class Losses {
    private Losses() {}

    /**
     * Binary cross-entropy of sigmoid(logit) against target, {@code -t*log(s) - (1-t)*log(1-s)}.
     * Substituting s = 1/(1+e^-z) gives {@code max(z,0) - z*t + log(1 + e^-|z|)}, which never takes
     * the log of 0 nor overflows exp. Its derivative with respect to the logit is s - t.
     *
     * @param logit the logit z
     * @param target the target t in [0, 1]
     * @return the loss, 0 or more
     */
    public static double binaryCrossEntropy(double logit, double target) {
        return Math.max(logit, 0) - logit * target + Math.log1p(Math.exp(-Math.abs(logit)));
    }

    /**
     * {@code log(sum over k < n of exp(z[off + k]))}, with the largest z subtracted before
     * exponentiating, {@code m + log(sum exp(z_k - m))}, so that exp never overflows and the
     * largest term is exactly 1. The log-partition of the softmax: {@code softmax(z)_c = exp(z_c - lse)}.
     *
     * @param z the logits
     * @param off the index of the first one
     * @param n how many, at least 1
     * @return the log of the sum of their exponentials
     */
    public static double logSumExp(double[] z, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) max = Math.max(max, z[off + k]);
        double sum = 0;
        for (int k = 0; k < n; k++) sum += Math.exp(z[off + k] - max);
        return max + Math.log(sum);
    }

    /**
     * The squared error {@code (y - t)^2}; its derivative with respect to y is 2 (y - t).
     *
     * @param output the output y
     * @param target the target t
     * @return the squared difference
     */
    public static double squaredError(double output, double target) {
        double d = output - target;
        return d * d;
    }
}
