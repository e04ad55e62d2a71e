package org.marquee.engine.nn;

import java.util.List;
import org.marquee.engine.OptimizerConfig;
import org.marquee.engine.Tensor;

/**
 * An optimizer over a model's contiguous parameter block: {@link Adam} or {@link Sgd}, made by
 * {@link OptimizerConfig#open}. It owns its state (tensors in the block's layout), which a
 * checkpoint stores by {@link #stateNames()} together with {@link #iterations()}; closing it
 * releases that state, after which every method that steps, changes or hands out state throws
 * {@link IllegalStateException} ({@link #iterations()}, {@link #config()}, {@link #learningRate()} and
 * {@link #close()} still answer).
 */
public interface Optimizer extends AutoCloseable {

    /**
     * One update of {@code params} from {@code grads}, after clipping the gradient by global norm
     * when the configuration asks for it.
     *
     * @param params the parameter block, updated in place
     * @param grads the gradient block, in the same layout
     * @return the L2 norm of the whole gradient before clipping, or NaN when clipping is off
     */
    double step(Tensor params, Tensor grads);

    /**
     * Sets the learning rate of the following steps (the other hyper-parameters stay).
     *
     * @param learningRate the new rate, above 0
     */
    void setLearningRate(double learningRate);

    /**
     * The learning rate of the next step.
     *
     * @return the rate last set
     */
    default double learningRate() { return config().learningRate(); }

    /**
     * The hyper-parameters in use, with the learning rate last set.
     *
     * @return the configuration
     */
    OptimizerConfig config();

    /**
     * Steps taken so far.
     *
     * @return the number of steps, 0 before the first
     */
    long iterations();

    /**
     * Restores the step counter, e.g. from a checkpoint together with {@link #state()}.
     *
     * @param t the number of steps already taken, 0 or more
     */
    void setIterations(long t);

    /**
     * The optimizer's state, each tensor one per parameter (P), in the order of
     * {@link #stateNames()}; a checkpoint saves and restores them in place.
     *
     * @return the state tensors, owned by the optimizer
     */
    List<Tensor> state();

    /**
     * The names of {@link #state()}'s tensors, as a checkpoint records them: "m", "v" for Adam,
     * "velocity" for SGD.
     *
     * @return the names, in the order of the state
     */
    List<String> stateNames();

    /** Releases the state; closing twice is harmless. */
    @Override
    void close();
}
