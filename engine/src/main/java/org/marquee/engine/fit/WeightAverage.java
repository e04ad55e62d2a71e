package org.marquee.engine.fit;

import java.util.function.Supplier;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;

/**
 * An exponential moving average of a model's parameters, kept on the backend beside them: after
 * each optimizer step {@code ema = d * ema + (1 - d) * w}. The update is one backend
 * {@link Backend#gemm gemm} of a 1x1 matrix holding 1 by the parameters seen as a 1xP row,
 * {@code ema = (1 - d) * [1] * w + d * ema}, so it runs where the parameters live without a
 * primitive of its own; {@link #update(double[], double[], double)} is the same formula on the
 * host, which the tests compare it with. {@link #swapIn} runs something (a validation pass) with
 * the averaged weights in place of the trained ones and puts the trained ones back.
 */
public final class WeightAverage implements AutoCloseable {
    /** The checkpoint array that holds the average. */
    public static final String EMA = "ema";

    private final Backend backend;
    private final Tensor params;   // (P) the model's parameters
    private final Tensor average;  // (P)
    private final Tensor saved;    // (P) the trained weights while the average is swapped in
    private final Tensor one;      // (1, 1) holding 1
    private final double decay;

    /**
     * An average that starts at the parameters' present values.
     *
     * @param backend where the parameters live
     * @param params the model's parameters, (P)
     * @param decay d, in (0, 1)
     */
    public WeightAverage(Backend backend, Tensor params, double decay) {
        if (!(decay > 0 && decay < 1)) throw new IllegalArgumentException("EMA decay must be in (0, 1): " + decay);
        this.backend = backend;
        this.params = params;
        this.decay = decay;
        int p = Math.toIntExact(params.size());
        Tensor a = null, s = null, o = null;
        try {
            a = backend.allocate(p);
            s = backend.allocate(p);
            o = backend.allocate(1, 1);
        } catch (RuntimeException e) {
            if (a != null) a.close();
            if (s != null) s.close();
            throw e;
        }
        this.average = a;
        this.saved = s;
        this.one = o;
        backend.fill(one, 1);
        backend.copy(params, average);   // a new average starts at the weights
    }

    /**
     * The decay d.
     *
     * @return d
     */
    public double decay() { return decay; }

    /** ema = d * ema + (1 - d) * w, on the backend. */
    public void update() {
        backend.gemm(false, false, 1, Math.toIntExact(params.size()), 1, 1 - decay, one, params, decay, average);
    }

    /**
     * The same update on the host, in double: the readable twin of {@link #update()}.
     *
     * @param average the average, updated in place
     * @param weights the weights after the step
     * @param decay d
     */
    public static void update(double[] average, double[] weights, double decay) {
        if (average.length != weights.length) throw new IllegalArgumentException(average.length + " averages for " + weights.length + " weights");
        for (int i = 0; i < average.length; i++) average[i] = (1 - decay) * weights[i] + decay * average[i];
    }

    /**
     * Replaces the average, e.g. with the one a checkpoint holds.
     *
     * @param values one value per parameter
     */
    public void load(double[] values) {
        if (values.length != params.size()) {
            throw new IllegalArgumentException("an average of " + values.length + " values for " + params.size() + " parameters");
        }
        backend.upload(average, values);
    }

    /**
     * The average, as doubles.
     *
     * @return one value per parameter
     */
    public double[] values() { return average.toDoubles(); }

    /**
     * Runs {@code work} with the averaged weights in the model's parameters; the trained ones are back afterwards.
     *
     * @param work what to run, e.g. a validation pass
     * @param <T> what it returns
     * @return what {@code work} returned
     */
    public <T> T swapIn(Supplier<T> work) {
        backend.copy(params, saved);
        backend.copy(average, params);
        try {
            return work.get();
        } finally {
            backend.copy(saved, params);
        }
    }

    /** Frees the average and its scratch tensors. */
    @Override
    public void close() {
        average.close();
        saved.close();
        one.close();
    }
}
