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
}
