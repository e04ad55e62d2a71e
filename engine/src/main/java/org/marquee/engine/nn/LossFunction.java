package org.marquee.engine.nn;

import java.util.Arrays;
import java.util.function.DoubleSupplier;
import org.marquee.engine.Backend;
import org.marquee.engine.Losses;
import org.marquee.engine.Tensor;

/**
 * The losses a model trains under, each computed from the model's raw outputs z (N examples of G
 * outputs each) against targets t of the same shape. All three follow one normalisation: the
 * loss of an example is a sum over its G outputs, and the loss of a batch is the sum over its
 * examples divided by N·G, the <b>mean over examples and outputs</b>:
 *
 * <pre>
 *   SIGMOID_CROSS_ENTROPY   (independent labels, t in [0, 1])
 *     example loss  = Σ_j  max(z_j,0) - z_j·t_j + log(1 + e^-|z_j|)        (= -t log s - (1-t) log(1-s), s = sigmoid z)
 *     dL/dz_j       = (sigmoid(z_j) - t_j) / (N·G)
 *     predictions   = sigmoid(z_j)
 *
 *   SOFTMAX_CROSS_ENTROPY   (one class per example, t one-hot)
 *     lse           = m + log Σ_k e^(z_k - m),  m = max_k z_k               (stable: no exp overflows)
 *     p_j           = e^(z_j - lse)                                         (the softmax)
 *     example loss  = Σ_j  t_j·(lse - z_j)                                  (= -Σ t_j log p_j)
 *     dL/dz_j       = (p_j·Σ_k t_k - t_j) / (N·G)                           (= (p_j - t_j) / (N·G) for one-hot t)
 *     predictions   = p_j
 *
 *   MEAN_SQUARED_ERROR      (regression)
 *     example loss  = Σ_j  (z_j - t_j)²
 *     dL/dz_j       = 2·(z_j - t_j) / (N·G)
 *     predictions   = z_j
 * </pre>
 *
 * <p>So the mean sigmoid cross-entropy and the mean squared error are Keras' values, while the
 * softmax cross-entropy is Keras' categorical cross-entropy (a sum over classes, averaged over
 * examples) divided by G. The two cross-entropies apply their activation themselves, on the
 * logits: a model trained under them must not end with a {@link Sigmoid} ({@link #refusal}).
 *
 * <p>{@link #gradient} runs on a backend in its precision; {@link #exampleLoss} and
 * {@link #predictions} compute on the host in double precision from outputs read back, for
 * evaluation and inference.
 */
public enum LossFunction {
    /** Binary cross-entropy of sigmoid(z) per output: independent labels, several may be 1. */
    SIGMOID_CROSS_ENTROPY {
        @Override
        public double gradient(Backend backend, Tensor outputs, Tensor targets, Tensor grad) {
            return Loss.sigmoidCrossEntropy(backend, outputs, targets, grad);
        }

        @Override
        public DoubleSupplier gradientLater(Backend backend, Tensor outputs, Tensor targets, Tensor grad) {
            return Loss.sigmoidCrossEntropyLater(backend, outputs, targets, grad);
        }

        @Override
        public double accumulateLoss(double total, double[] z, int zOff, float[] t, int tOff, int n) {
            for (int j = 0; j < n; j++) total += Losses.binaryCrossEntropy(z[zOff + j], t[tOff + j]);
            return total;
        }

        @Override
        public void predictions(double[] z, int off, int n, float[] out, int outOff) {
            for (int j = 0; j < n; j++) out[outOff + j] = (float) (1 / (1 + Math.exp(-z[off + j])));
        }

        @Override public boolean wantsLogits() { return true; }
    },

    /** Cross-entropy of softmax(z) over each example's outputs: one class per example, one-hot targets. */
    SOFTMAX_CROSS_ENTROPY {
        @Override
        public double gradient(Backend backend, Tensor outputs, Tensor targets, Tensor grad) {
            requireSameShape(outputs, targets, grad);
            return backend.softmaxCrossEntropy(outputs, targets, grad, classes(outputs));
        }

        @Override
        public DoubleSupplier gradientLater(Backend backend, Tensor outputs, Tensor targets, Tensor grad) {
            requireSameShape(outputs, targets, grad);
            return backend.softmaxCrossEntropyLater(outputs, targets, grad, classes(outputs));
        }

        @Override
        public double accumulateLoss(double total, double[] z, int zOff, float[] t, int tOff, int n) {
            double lse = Losses.logSumExp(z, zOff, n);
            for (int j = 0; j < n; j++) total += t[tOff + j] * (lse - z[zOff + j]);
            return total;
        }

        @Override
        public void predictions(double[] z, int off, int n, float[] out, int outOff) {
            double lse = Losses.logSumExp(z, off, n);
            for (int j = 0; j < n; j++) out[outOff + j] = (float) Math.exp(z[off + j] - lse);
        }

        @Override public boolean wantsLogits() { return true; }
    },

    /** The squared difference between each output and its target: regression, the outputs are the predictions. */
    MEAN_SQUARED_ERROR {
        @Override
        public double gradient(Backend backend, Tensor outputs, Tensor targets, Tensor grad) {
            requireSameShape(outputs, targets, grad);
            return backend.meanSquaredError(outputs, targets, grad);
        }

        @Override
        public DoubleSupplier gradientLater(Backend backend, Tensor outputs, Tensor targets, Tensor grad) {
            requireSameShape(outputs, targets, grad);
            return backend.meanSquaredErrorLater(outputs, targets, grad);
        }

        @Override
        public double accumulateLoss(double total, double[] z, int zOff, float[] t, int tOff, int n) {
            for (int j = 0; j < n; j++) total += Losses.squaredError(z[zOff + j], t[tOff + j]);
            return total;
        }

        @Override
        public void predictions(double[] z, int off, int n, float[] out, int outOff) {
            for (int j = 0; j < n; j++) out[outOff + j] = (float) z[off + j];
        }

        @Override public boolean wantsLogits() { return false; }
    };

    /**
     * Writes dL/doutputs into {@code grad} and returns the batch's loss, the mean over examples and
     * outputs (see the class comment); the three tensors have one shape, (N, outputs...).
     *
     * @param backend the backend of the tensors
     * @param outputs the model's outputs z, (N, outputs...)
     * @param targets the targets t, of z's shape
     * @param grad dL/dz, written (not added), of z's shape
     * @return the mean loss over examples and outputs
     */
    public abstract double gradient(Backend backend, Tensor outputs, Tensor targets, Tensor grad);

    /**
     * {@link #gradient} with the loss read later: the gradient is written (or enqueued) as
     * there, and the supplier gives the loss when asked, so a device backend can enqueue the
     * backward pass and the update before the host waits for the number
     * ({@link Backend#sigmoidCrossEntropyLater}).
     *
     * @param backend the backend of the tensors
     * @param outputs the model's outputs z, (N, outputs...)
     * @param targets the targets t, of z's shape
     * @param grad dL/dz, written, of z's shape
     * @return the mean loss over examples and outputs, read when asked
     */
    public abstract DoubleSupplier gradientLater(Backend backend, Tensor outputs, Tensor targets, Tensor grad);

    /**
     * The loss of one example in double precision: the sum over its {@code n} outputs (see the
     * class comment), so that the mean over a set of examples is the sum of their example losses
     * divided by (examples · n), the value {@link #gradient} returns for a batch.
     *
     * @param z the outputs read back from the model
     * @param zOff the index of the example's first output in z
     * @param t the targets
     * @param tOff the index of the example's first target in t
     * @param n the outputs per example, at least 1
     * @return the example's loss, summed over its outputs
     */
    public double exampleLoss(double[] z, int zOff, float[] t, int tOff, int n) {
        return accumulateLoss(0, z, zOff, t, tOff, n);
    }

    /**
     * {@code total} plus the loss of one example ({@link #exampleLoss}), added into it term by
     * term, so that a running sum over examples rounds exactly as one sum over every element would.
     *
     * @param total the running sum so far
     * @param z the outputs read back from the model
     * @param zOff the index of the example's first output in z
     * @param t the targets
     * @param tOff the index of the example's first target in t
     * @param n the outputs per example, at least 1
     * @return the running sum with this example's terms added
     */
    public abstract double accumulateLoss(double total, double[] z, int zOff, float[] t, int tOff, int n);

    /**
     * What the model predicts for one example, from its outputs: sigmoid(z) per output, the
     * softmax over the example's outputs, or z itself for the mean squared error.
     *
     * @param z the outputs read back from the model
     * @param off the index of the example's first output in z
     * @param n the outputs per example, at least 1
     * @param out receives the n predictions
     * @param outOff the index in out of the first one
     */
    public abstract void predictions(double[] z, int off, int n, float[] out, int outOff);

    /**
     * Whether this loss applies its own activation to the model's outputs, which must then be
     * logits (the cross-entropies); the mean squared error takes the outputs as they are.
     *
     * @return true for the cross-entropies
     */
    public abstract boolean wantsLogits();

    /**
     * Why a model whose last layer is {@code last} cannot be trained under this loss, or null
     * when it can. The cross-entropies refuse a final {@link Sigmoid}: they apply their own
     * activation to logits. No loss can train through a {@link Sigmoid} (it has no backward pass).
     *
     * @param last the model's last layer
     * @return the reason, one sentence naming the layer and what to change, or null when fine
     */
    public String refusal(Layer last) {
        if (last == null) throw new IllegalArgumentException("the last layer is required");
        if (!(last instanceof Sigmoid)) return null;
        if (wantsLogits()) {
            return "the " + this + " loss applies " + (this == SOFTMAX_CROSS_ENTROPY ? "the softmax" : "the sigmoid")
                    + " to the model's logits itself, but the model ends with " + last.name() + " (Sigmoid):"
                    + " build the model without .sigmoid() at the end (predictions apply the activation)";
        }
        return "the model ends with " + last.name() + " (Sigmoid), which has no backward pass, so it cannot be trained"
                + " under " + this + ": build the model without .sigmoid() at the end";
    }

    /**
     * {@link #refusal(Layer)} of the model's last layer, or a refusal of a model without layers.
     *
     * @param model the model to train
     * @return the reason, or null when the model can be trained under this loss
     */
    public String refusal(Sequential model) {
        var layers = model.layers();
        if (layers.isEmpty()) return "the model has no layers to train under " + this;
        return refusal(layers.get(layers.size() - 1));
    }

    /** The outputs per example: everything after the batch dimension. */
    private static int classes(Tensor outputs) {
        if (outputs.rank() < 2) {
            throw new IllegalArgumentException("the softmax needs outputs (N, classes...), not " + Arrays.toString(outputs.shape()));
        }
        return Math.toIntExact(outputs.size() / outputs.dim(0));
    }

    private static void requireSameShape(Tensor outputs, Tensor targets, Tensor grad) {
        if (!Arrays.equals(outputs.shape(), targets.shape()) || !Arrays.equals(outputs.shape(), grad.shape())) {
            throw new IllegalArgumentException("loss: outputs " + Arrays.toString(outputs.shape())
                    + ", targets " + Arrays.toString(targets.shape()) + " and grad " + Arrays.toString(grad.shape())
                    + " must have the same shape");
        }
    }
}
