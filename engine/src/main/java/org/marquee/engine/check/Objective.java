package org.marquee.engine.check;

import java.util.SplittableRandom;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Loss;
import org.marquee.engine.nn.LossFunction;

/** A scalar function of a model's output: returns L(y) and writes dL/dy into {@code grad} (y's shape). */
@FunctionalInterface
public interface Objective {

    /**
     * The objective's value for {@code output}, writing its gradient.
     *
     * @param output the model's output y
     * @param grad dL/dy, written, of y's shape
     * @return L(y)
     */
    double evaluate(Tensor output, Tensor grad);

    /**
     * The training loss: mean sigmoid cross-entropy of the logits against {@code targets}.
     *
     * @param targets the targets, of the logits' shape
     * @return the objective
     */
    static Objective sigmoidCrossEntropy(Tensor targets) {
        return (output, grad) -> Loss.sigmoidCrossEntropy(output.backend(), output, targets, grad);
    }

    /**
     * A training loss on the model's outputs against {@code targets}: the value and gradient
     * {@link LossFunction#gradient} computes (the mean over examples and outputs).
     *
     * @param loss the loss
     * @param targets the targets, of the outputs' shape
     * @return the objective
     */
    static Objective of(LossFunction loss, Tensor targets) {
        if (loss == null || targets == null) throw new IllegalArgumentException("loss and targets are required");
        return (output, grad) -> loss.gradient(output.backend(), output, targets, grad);
    }

    /**
     * L = Σ r_i · y_i with fixed weights r_i drawn uniformly from [-1, 1) by {@code seed}, so that
     * dL/dy = r exercises every output element with a different, known weight (for checking a
     * single layer on its own).
     *
     * @param seed the seed of the weights r
     * @return the objective
     */
    static Objective weightedSum(long seed) {
        return (output, grad) -> {
            double[] y = output.toDoubles();
            double[] r = new double[y.length];
            SplittableRandom random = new SplittableRandom(seed);
            double loss = 0;
            for (int i = 0; i < y.length; i++) {
                r[i] = random.nextDouble(-1, 1);
                loss += r[i] * y[i];
            }
            grad.backend().upload(grad, r);
            return loss;
        };
    }
}
