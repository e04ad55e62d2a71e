package org.marquee.engine.nn;

import java.util.List;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;

/**
 * Decoupled weight decay, shared by {@link Adam} and {@link Sgd}: {@code w = (1 - lr·wd) · w} for
 * every decayed tensor (views into the parameter block), as one backend {@link Backend#multiply}
 * per tensor against a tensor filled with (1 - lr·wd), refilled only when that factor changes.
 */
final class WeightDecay implements AutoCloseable {
    private final Backend backend;
    private final List<Tensor> decayed;     // views into the parameter block
    private final Tensor[] factors;         // per decayed tensor: a view of factor of its shape
    private final Tensor factor;            // (largest decayed tensor), every element 1 - lr·wd
    private double filledWith = Double.NaN; // the value factor holds now

    WeightDecay(Backend backend, List<Tensor> decayed) {
        if (decayed.isEmpty()) throw new IllegalArgumentException("no tensors to decay");
        this.backend = backend;
        this.decayed = List.copyOf(decayed);
        int largest = this.decayed.stream().mapToInt(Tensor::intSize).max().orElseThrow();
        this.factor = backend.allocate(largest);
        this.factors = this.decayed.stream().map(t -> factor.view(0, t.shape())).toArray(Tensor[]::new);
    }

    /** w = (1 - lr·wd) · w for every decayed tensor, each of which must be a view of {@code params}. */
    void apply(Tensor params, double learningRate, double weightDecay) {
        double f = 1 - learningRate * weightDecay;
        if (f != filledWith) {
            backend.fill(factor, f);
            filledWith = f;
        }
        for (int i = 0; i < factors.length; i++) {
            Tensor w = decayed.get(i);
            if (w.storage() != params.storage()) {
                throw new IllegalArgumentException("decayed tensor " + w + " is not a view of the parameters " + params);
            }
            backend.multiply(w, factors[i], w);
        }
    }

    @Override
    public void close() { factor.close(); }
}
