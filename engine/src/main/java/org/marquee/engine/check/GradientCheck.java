package org.marquee.engine.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Parameter;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * Compares a model's backpropagated gradients with central differences, in float64 on the
 * reference backend:
 *
 * <pre>
 *   numeric_i = (L(θ + ε·e_i) - L(θ - ε·e_i)) / 2ε
 *   rel_i     = |analytic_i - numeric_i| / (|analytic_i| + |numeric_i|)
 * </pre>
 *
 * <p>Parameter gradients are always checked; input gradients too when the model was built with
 * {@link Sequential.Builder#withInputGradient()}. The dropout step is not advanced, so every
 * evaluation sees the same mask. Callers choose inputs that keep ReLU pre-activations away from 0
 * and max-pool windows free of ties, so that a perturbation of ε cannot cross a kink.
 */
public final class GradientCheck {
    private GradientCheck() {}

    /**
     * How a check runs: the step, what passes, how many elements are sampled, and the mode.
     *
     * @param epsilon the finite-difference step
     * @param tolerance largest accepted relative error
     * @param absoluteFloor an entry also passes when |analytic - numeric| is below this
     * @param maxEntriesPerTensor check at most this many elements of each tensor (a seeded sample)
     * @param sampleSeed selects the sampled elements
     * @param training run the forward pass in training mode (dropout on, with a fixed mask)
     */
    public record Options(double epsilon, double tolerance, double absoluteFloor, int maxEntriesPerTensor,
                          long sampleSeed, boolean training) {
        /**
         * Checks that the step and tolerances are positive and at least one entry is sampled.
         *
         * @param epsilon the finite-difference step
         * @param tolerance largest accepted relative error
         * @param absoluteFloor an entry also passes when |analytic - numeric| is below this
         * @param maxEntriesPerTensor check at most this many elements of each tensor
         * @param sampleSeed selects the sampled elements
         * @param training run the forward pass in training mode
         */
        public Options {
            if (!(epsilon > 0)) throw new IllegalArgumentException("epsilon must be positive: " + epsilon);
            if (!(tolerance > 0)) throw new IllegalArgumentException("tolerance must be positive: " + tolerance);
            if (!(absoluteFloor >= 0)) throw new IllegalArgumentException("absolute floor must be >= 0: " + absoluteFloor);
            if (maxEntriesPerTensor <= 0) throw new IllegalArgumentException("max entries per tensor must be positive: " + maxEntriesPerTensor);
        }

        /**
         * ε = 1e-6, relative error below 1e-5 or absolute below 1e-8, every element, training mode.
         *
         * @return the default options
         */
        public static Options defaults() { return new Options(1e-6, 1e-5, 1e-8, Integer.MAX_VALUE, 1, true); }

        /**
         * These options, checking at most {@code n} sampled elements of each tensor.
         *
         * @param n the elements per tensor, at least 1
         * @return the new options
         */
        public Options withMaxEntriesPerTensor(int n) { return new Options(epsilon, tolerance, absoluteFloor, n, sampleSeed, training); }
    }

    /**
     * Backpropagated gradients by tensor name: "input" first (when computed), then each parameter.
     *
     * @param byTensor each tensor's gradient, by name, in that order
     */
    public record Gradients(Map<String, double[]> byTensor) {
        /**
         * Copies the arrays, so later changes to them do not show here.
         *
         * @param byTensor the gradient of each tensor, by name, in order
         */
        public Gradients {
            Map<String, double[]> copy = new LinkedHashMap<>();
            byTensor.forEach((name, values) -> copy.put(name, values.clone()));
            byTensor = Collections.unmodifiableMap(copy);
        }
    }

    /**
     * Checks {@code model} on {@code input} under {@code objective}.
     *
     * @param model the model, built with {@code withInputGradient()} to check the input gradient too
     * @param input the input batch
     * @param objective the scalar function of the output and its gradient
     * @param options step, tolerances and sampling
     * @return every compared entry, with whether it passed
     */
    public static GradientCheckResult check(Sequential model, Tensor input, Objective objective, Options options) {
        return compare(model, input, objective, analytic(model, input, objective, options), options);
    }

    /**
     * One forward and backward pass: the gradients the model computes.
     *
     * @param model the model
     * @param input the input batch
     * @param objective the scalar function of the output and its gradient
     * @param options whether to run in training mode
     * @return the gradients, by tensor name
     */
    public static Gradients analytic(Sequential model, Tensor input, Objective objective, Options options) {
        requireReference(model);
        model.zeroGradients();
        Tensor out = model.forward(input, options.training());
        Tensor dOut = model.backend().allocate(out.shape());
        objective.evaluate(out, dOut);
        model.backward(dOut);
        Map<String, double[]> grads = new LinkedHashMap<>();
        if (model.inputGradient() != null) grads.put("input", model.inputGradient().toDoubles());
        for (Parameter p : model.namedParameters()) grads.put(p.name(), p.gradient().toDoubles());
        return new Gradients(grads);
    }

    /**
     * Central differences for every tensor in {@code analytic}, compared entry by entry.
     *
     * @param model the model
     * @param input the input batch
     * @param objective the scalar function of the output and its gradient
     * @param analytic the gradients to check
     * @param options step, tolerances and sampling
     * @return every compared entry, with whether it passed
     */
    public static GradientCheckResult compare(Sequential model, Tensor input, Objective objective, Gradients analytic,
                                              Options options) {
        requireReference(model);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("input", input);
        for (Parameter p : model.namedParameters()) tensors.put(p.name(), p.value());
        Tensor dOut = model.backend().allocate(model.forward(input, options.training()).shape());
        List<GradientCheckResult.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, double[]> e : analytic.byTensor().entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t == null) throw new IllegalArgumentException("no tensor named " + e.getKey() + " in the model");
            if (t.size() != e.getValue().length) {
                throw new IllegalArgumentException(e.getKey() + ": " + e.getValue().length + " analytic values for " + t.size() + " elements");
            }
            for (int i : sample(t.intSize(), options)) {
                double numeric = centralDifference(model, input, objective, dOut, t.view(i, 1), options);
                entries.add(entry(e.getKey(), i, e.getValue()[i], numeric, options));
            }
        }
        return new GradientCheckResult(entries, options);
    }

    private static double centralDifference(Sequential model, Tensor input, Objective objective, Tensor dOut,
                                            Tensor element, Options options) {
        double original = element.toDoubles()[0];
        set(element, original + options.epsilon());
        double plus = objective.evaluate(model.forward(input, options.training()), dOut);
        set(element, original - options.epsilon());
        double minus = objective.evaluate(model.forward(input, options.training()), dOut);
        set(element, original);
        return (plus - minus) / (2 * options.epsilon());
    }

    private static void set(Tensor element, double value) {
        element.backend().upload(element, new double[] {value});
    }

    static GradientCheckResult.Entry entry(String tensor, int index, double a, double n, Options options) {
        double abs = Math.abs(a - n);
        double denom = Math.abs(a) + Math.abs(n);
        double rel = denom == 0 ? 0 : abs / denom;
        boolean ok = rel <= options.tolerance() || abs <= options.absoluteFloor();
        return new GradientCheckResult.Entry(tensor, index, a, n, rel, abs, ok);
    }

    /** All indices, or a seeded sample of {@code maxEntriesPerTensor} distinct ones in increasing order. */
    private static Iterable<Integer> sample(int size, Options options) {
        TreeSet<Integer> picked = new TreeSet<>();
        if (size <= options.maxEntriesPerTensor()) {
            for (int i = 0; i < size; i++) picked.add(i);
            return picked;
        }
        SplittableRandom random = new SplittableRandom(options.sampleSeed() ^ size);
        while (picked.size() < options.maxEntriesPerTensor()) picked.add(random.nextInt(size));
        return picked;
    }

    private static void requireReference(Sequential model) {
        if (!(model.backend() instanceof ReferenceBackend)) {
            throw new IllegalArgumentException("gradient checks run in float64 on the reference backend, not on "
                    + model.backend().name());
        }
    }
}
