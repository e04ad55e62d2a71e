package org.marquee.engine.nn;

import java.util.Arrays;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;

/**
 * Binary cross-entropy on sigmoid outputs, computed from the logits z in one stable step:
 *
 * <pre>
 *   loss = mean over batch and labels of  max(z,0) - z·t + log(1 + e^-|z|)
 *   dL/dz = (sigmoid(z) - t) / (N · labels)
 * </pre>
 */
public final class Loss {
    private Loss() {}

    /**
     * Writes dL/dlogits into {@code grad} and returns the mean loss; all three tensors have one shape.
     *
     * @param backend the backend of the tensors
     * @param logits the logits z, (batch, labels)
     * @param targets the targets t in [0, 1]
     * @param grad dL/dz, written
     * @return the mean loss over every element
     */
    public static double sigmoidCrossEntropy(Backend backend, Tensor logits, Tensor targets, Tensor grad) {
        requireSameShape(logits, targets, grad);
        return backend.sigmoidCrossEntropy(logits, targets, grad);
    }

    /**
     * {@link #sigmoidCrossEntropy} with the loss read later ({@link Backend#sigmoidCrossEntropyLater}):
     * enqueue the backward pass and the update, then ask the supplier.
     *
     * @param backend the backend the tensors live on
     * @param logits  the model's outputs (N, G)
     * @param targets the 0/1 labels (N, G)
     * @param grad    receives dL/dlogits (N, G)
     * @return the mean loss, read when asked
     */
    public static java.util.function.DoubleSupplier sigmoidCrossEntropyLater(Backend backend, Tensor logits, Tensor targets, Tensor grad) {
        requireSameShape(logits, targets, grad);
        return backend.sigmoidCrossEntropyLater(logits, targets, grad);
    }

    private static void requireSameShape(Tensor logits, Tensor targets, Tensor grad) {
        if (!Arrays.equals(logits.shape(), targets.shape()) || !Arrays.equals(logits.shape(), grad.shape())) {
            throw new IllegalArgumentException("sigmoidCrossEntropy: logits " + Arrays.toString(logits.shape())
                    + ", targets " + Arrays.toString(targets.shape()) + " and grad " + Arrays.toString(grad.shape())
                    + " must have the same shape");
        }
    }
}
