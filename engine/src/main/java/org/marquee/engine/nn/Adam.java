package org.marquee.engine.nn;

import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;

/**
 * Adam over a model's contiguous parameter block, with its moments m and v as two blocks of the
 * same layout. Each step optionally clips by global norm, then calls the backend's fused update:
 *
 * <pre>
 *   norm  = sqrt(Σ g²)                       over the whole gradient block
 *   scale = clip / norm  if clip > 0 and norm > clip, else 1
 *   t += 1;  m = β1·m + (1-β1)·scale·g;  v = β2·v + (1-β2)·(scale·g)²
 *   p -= lr · sqrt(1-β2^t) / (1-β1^t) · m / (sqrt(v) + ε)       (Keras' form)
 * </pre>
 */
public final class Adam implements AutoCloseable {
    private final Backend backend;
    private final AdamConfig config;
    private final Tensor m;    // (P) first moment
    private final Tensor v;    // (P) second moment
    private long iterations;

    public Adam(Backend backend, AdamConfig config, long parameterCount) {
        if (backend == null || config == null) throw new IllegalArgumentException("backend and config are required");
        if (parameterCount <= 0) throw new IllegalArgumentException("parameter count must be positive: " + parameterCount);
        this.backend = backend;
        this.config = config;
        int p = Math.toIntExact(parameterCount);
        this.m = backend.allocate(p);
        this.v = backend.allocate(p);
    }

    /** One update of {@code params} from {@code grads}; returns the gradient's global norm before clipping. */
    public double step(Tensor params, Tensor grads) {
        if (params.size() != m.size() || grads.size() != m.size()) {
            throw new IllegalArgumentException("Adam over " + m.size() + " parameters got params " + params
                    + " and grads " + grads);
        }
        double norm = Math.sqrt(backend.sumOfSquares(grads));
        double scale = 1;
        if (config.clipNorm() > 0 && norm > config.clipNorm()) scale = config.clipNorm() / norm;
        iterations++;
        backend.adamStep(params, grads, m, v, config, iterations, scale);
        return norm;
    }

    /** Steps taken so far (t of the last step). */
    public long iterations() { return iterations; }

    /** Restores the step counter, e.g. from a checkpoint together with m and v. */
    public void setIterations(long t) {
        if (t < 0) throw new IllegalArgumentException("iterations must be >= 0: " + t);
        this.iterations = t;
    }

    public Tensor m() { return m; }
    public Tensor v() { return v; }
    public AdamConfig config() { return config; }

    @Override
    public void close() {
        m.close();
        v.close();
    }
}
