package org.marquee.engine.nn;

import java.util.List;
import org.marquee.engine.Backend;
import org.marquee.engine.SgdConfig;
import org.marquee.engine.Tensor;

/**
 * Stochastic gradient descent with momentum over a model's contiguous parameter block, with its
 * velocity as one block of the same layout (0 at the start). Each step optionally clips by global
 * norm, optionally decays the kernels, then calls the backend's fused update
 * ({@link Backend#sgdStep}):
 *
 * <pre>
 *   norm  = sqrt(Σ g²)                       over the whole gradient block, only when clip &gt; 0
 *   scale = clip / norm  if clip &gt; 0 and norm &gt; clip, else 1
 *   w     = (1 - lr·wd) · w                  for every kernel, only when wd &gt; 0 (SGDW)
 *   v     = μ·v + scale·g
 *   p    -= lr · v                           (Nesterov: p -= lr · (scale·g + μ·v))
 * </pre>
 *
 * <p>The learning rate multiplies the velocity (PyTorch's form, see {@link SgdConfig}: the same
 * steps as Keras' {@code v = μ·v - lr·g; p += v} while the rate is constant). Clipping and weight
 * decay work as in {@link Adam}: the decay is decoupled from the gradient, never enters the
 * velocity, touches kernels only, and with wd = 0 nothing extra runs. The learning rate may change
 * between steps ({@link #setLearningRate}). After {@link #close()} every method but {@code close}
 * and {@link #iterations()} throws {@link IllegalStateException}.
 */
public final class Sgd implements Optimizer {
    private final Backend backend;
    private SgdConfig config;
    private final Tensor velocity;          // (P)
    private final WeightDecay decay;        // shrinks the kernels; null without decay
    private long iterations;
    private boolean closed;

    /**
     * SGD whose weight decay, if any, applies to {@code decayed}: views into the parameter block
     * that {@link #step} will be given, normally {@link Adam#kernels} of the model's parameters.
     *
     * @param backend the backend of the model's parameters
     * @param config the hyper-parameters
     * @param parameterCount P, the length of the parameter block
     * @param decayed the views whose elements weight decay shrinks (may be empty without decay)
     */
    public Sgd(Backend backend, SgdConfig config, long parameterCount, List<Tensor> decayed) {
        if (backend == null || config == null || decayed == null) throw new IllegalArgumentException("backend, config and decayed tensors are required");
        if (parameterCount <= 0) throw new IllegalArgumentException("parameter count must be positive: " + parameterCount);
        if (config.weightDecay() > 0 && decayed.isEmpty()) {
            throw new IllegalArgumentException("weight decay " + config.weightDecay() + " needs the tensors to decay;"
                    + " build Sgd with forModel or pass the kernels");
        }
        this.backend = backend;
        this.config = config;
        this.velocity = backend.allocate(Math.toIntExact(parameterCount));
        this.decay = config.weightDecay() > 0 ? new WeightDecay(backend, decayed) : null;
    }

    /**
     * SGD for {@code model}'s parameters, decaying (when the config asks for it) its kernels only.
     *
     * @param model the model whose parameters are optimized
     * @param config the hyper-parameters
     * @return the optimizer, which owns the velocity: close it
     */
    public static Sgd forModel(Sequential model, SgdConfig config) {
        return new Sgd(model.backend(), config, model.parameterCount(), Adam.kernels(model.namedParameters()));
    }

    /**
     * One update of {@code params} from {@code grads}; returns the gradient's global norm before
     * clipping, or NaN when clipping is off (it is then not computed).
     *
     * @param params the parameter block, updated in place
     * @param grads the gradient block, in the same layout
     * @return the L2 norm of the whole gradient before clipping, or NaN when clipping is off
     */
    @Override
    public double step(Tensor params, Tensor grads) {
        requireOpen();
        if (params.size() != velocity.size() || grads.size() != velocity.size()) {
            throw new IllegalArgumentException("SGD over " + velocity.size() + " parameters got params " + params
                    + " and grads " + grads);
        }
        double norm = Double.NaN;
        double scale = 1;
        if (config.clipNorm() > 0) {
            norm = Math.sqrt(backend.sumOfSquares(grads));
            if (norm > config.clipNorm()) scale = config.clipNorm() / norm;
        }
        iterations++;
        if (decay != null) decay.apply(params, config.learningRate(), config.weightDecay());
        backend.sgdStep(params, grads, velocity, config, scale);
        return norm;
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("this SGD optimizer was closed; its velocity is released");
    }

    @Override
    public void setLearningRate(double learningRate) {
        requireOpen();
        if (learningRate != config.learningRate()) config = config.withLearningRate(learningRate);
    }

    @Override
    public long iterations() { return iterations; }

    @Override
    public void setIterations(long t) {
        requireOpen();
        if (t < 0) throw new IllegalArgumentException("iterations must be >= 0: " + t);
        this.iterations = t;
    }

    /**
     * The velocities v, one per parameter (P), as a checkpoint stores them.
     *
     * @return the tensor v
     */
    public Tensor velocity() {
        requireOpen();
        return velocity;
    }

    @Override
    public SgdConfig config() { return config; }

    /**
     * The velocity alone.
     *
     * @return a list of the velocity tensor
     */
    @Override
    public List<Tensor> state() { return List.of(velocity()); }

    /**
     * "velocity".
     *
     * @return the name of {@link #state()}'s tensor
     */
    @Override
    public List<String> stateNames() { return List.of("velocity"); }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        velocity.close();
        if (decay != null) decay.close();
    }
}
