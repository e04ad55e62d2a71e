package org.marquee.engine.nn;

import java.util.List;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;

/**
 * Adam over a model's contiguous parameter block, with its moments m and v as two blocks of the
 * same layout. Each step optionally clips by global norm, then calls the backend's fused update:
 *
 * <pre>
 *   norm  = sqrt(Σ g²)                       over the whole gradient block, only when clip > 0
 *   scale = clip / norm  if clip > 0 and norm > clip, else 1
 *   t += 1;  m = β1·m + (1-β1)·scale·g;  v = β2·v + (1-β2)·(scale·g)²
 *   p -= lr · sqrt(1-β2^t) / (1-β1^t) · m / (sqrt(v) + ε)       (Keras' form)
 * </pre>
 *
 * <p><b>Weight decay (AdamW).</b> With {@link AdamConfig#weightDecay()} wd &gt; 0, each step first
 * shrinks every decayed tensor (the kernels of Conv2d and Dense layers, never biases):
 * <pre>
 *   w = (1 - lr·wd) · w                      then the Adam update above
 * </pre>
 * as PyTorch's AdamW orders it; the decay never enters m or v, so it is not rescaled by
 * 1/sqrt(v) as an L2 term added to the gradient would be. It runs as one backend
 * {@link Backend#multiply} per kernel against a tensor filled with (1 - lr·wd), instead of
 * inside the fused {@link Backend#adamStep}: that keeps the reference, CPU and OpenCL Adam
 * kernels (and their conformance tests) unchanged, and with wd = 0 nothing extra runs at all, so
 * plain Adam stays bit-identical. The cost is one more pass over the kernels per step and a
 * factor tensor the size of the largest kernel.
 *
 * <p>The learning rate may change between steps ({@link #setLearningRate}), e.g. from a schedule;
 * the decay uses the learning rate of its own step. After {@link #close()} every method but
 * {@code close} and {@link #iterations()} throws {@link IllegalStateException}.
 */
public final class Adam implements Optimizer {
    private final Backend backend;
    private AdamConfig config;
    private final Tensor m;    // (P) first moment
    private final Tensor v;    // (P) second moment
    private final WeightDecay decay;        // shrinks the kernels; null without decay
    private long iterations;
    private boolean closed;

    /**
     * Plain Adam (the config's weight decay must be 0: without the kernels there is nothing to decay).
     *
     * @param backend the backend of the model's parameters
     * @param config the hyper-parameters, weight decay 0
     * @param parameterCount P, the length of the parameter block
     */
    public Adam(Backend backend, AdamConfig config, long parameterCount) {
        this(backend, config, parameterCount, List.of());
    }

    /**
     * Adam whose weight decay, if any, applies to {@code decayed}: views into the parameter block
     * that {@link #step} will be given, normally {@link #kernels} of the model's parameters.
     *
     * @param backend the backend of the model's parameters
     * @param config the hyper-parameters
     * @param parameterCount P, the length of the parameter block
     * @param decayed the views whose elements weight decay shrinks
     */
    public Adam(Backend backend, AdamConfig config, long parameterCount, List<Tensor> decayed) {
        if (backend == null || config == null || decayed == null) throw new IllegalArgumentException("backend, config and decayed tensors are required");
        if (parameterCount <= 0) throw new IllegalArgumentException("parameter count must be positive: " + parameterCount);
        if (config.weightDecay() > 0 && decayed.isEmpty()) {
            throw new IllegalArgumentException("weight decay " + config.weightDecay() + " needs the tensors to decay;"
                    + " build Adam with forModel or pass the kernels");
        }
        this.backend = backend;
        this.config = config;
        int p = Math.toIntExact(parameterCount);
        this.m = backend.allocate(p);
        this.v = backend.allocate(p);
        this.decay = config.weightDecay() > 0 ? new WeightDecay(backend, decayed) : null;
    }

    /**
     * Adam for {@code model}'s parameters, decaying (when the config asks for it) its kernels only.
     *
     * @param model the model whose parameters are optimized
     * @param config the hyper-parameters
     * @return the optimizer, which owns m and v: close it
     */
    public static Adam forModel(Sequential model, AdamConfig config) {
        return new Adam(model.backend(), config, model.parameterCount(), kernels(model.namedParameters()));
    }

    /**
     * The kernels (Conv2d and Dense weights, named ".../kernel") among {@code parameters}; biases are left out.
     *
     * @param parameters the model's named parameters
     * @return the kernel tensors, in order
     */
    public static List<Tensor> kernels(List<Parameter> parameters) {
        return parameters.stream().filter(p -> p.name().endsWith("/kernel")).map(Parameter::value).toList();
    }

    /**
     * One update of {@code params} from {@code grads}; returns the gradient's global norm before
     * clipping, or NaN when clipping is off: the norm is then not computed (on a device it is a
     * reduction over every parameter and a read back to the host, each step).
     *
     * @param params the parameter block, updated in place
     * @param grads the gradient block, in the same layout
     * @return the L2 norm of the whole gradient before clipping, or NaN when clipping is off
     */
    @Override
    public double step(Tensor params, Tensor grads) {
        requireOpen();
        if (params.size() != m.size() || grads.size() != m.size()) {
            throw new IllegalArgumentException("Adam over " + m.size() + " parameters got params " + params
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
        backend.adamStep(params, grads, m, v, config, iterations, scale);
        return norm;
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("this Adam optimizer was closed; its moments m and v are released");
    }

    /**
     * Sets the learning rate of the following steps (the other hyper-parameters stay).
     *
     * @param learningRate the new rate, above 0
     */
    @Override
    public void setLearningRate(double learningRate) {
        requireOpen();
        if (learningRate != config.learningRate()) config = config.withLearningRate(learningRate);
    }

    /**
     * Steps taken so far (t of the last step).
     *
     * @return t, 0 before the first step
     */
    @Override
    public long iterations() { return iterations; }

    /**
     * Restores the step counter, e.g. from a checkpoint together with m and v.
     *
     * @param t the number of steps already taken
     */
    @Override
    public void setIterations(long t) {
        requireOpen();
        if (t < 0) throw new IllegalArgumentException("iterations must be >= 0: " + t);
        this.iterations = t;
    }

    /**
     * The first-moment estimates m, one per parameter (P), as a checkpoint stores them.
     *
     * @return the tensor m
     */
    public Tensor m() {
        requireOpen();
        return m;
    }
    /**
     * The second-moment estimates v, one per parameter (P), as a checkpoint stores them.
     *
     * @return the tensor v
     */
    public Tensor v() {
        requireOpen();
        return v;
    }
    /**
     * The hyper-parameters in use, with the learning rate last set.
     *
     * @return the configuration
     */
    @Override
    public AdamConfig config() { return config; }

    /**
     * The moments, m then v.
     *
     * @return m and v
     */
    @Override
    public List<Tensor> state() { return List.of(m(), v()); }

    /**
     * "m" and "v".
     *
     * @return the names of {@link #state()}'s tensors
     */
    @Override
    public List<String> stateNames() { return List.of("m", "v"); }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        m.close();
        v.close();
        if (decay != null) decay.close();
    }
}
