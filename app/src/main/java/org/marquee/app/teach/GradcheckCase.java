package org.marquee.app.teach;

import java.util.SplittableRandom;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.check.Objective;
import org.marquee.engine.nn.Sequential;

/**
 * A model, an input and an objective ready for {@link org.marquee.engine.check.GradientCheck}, for
 * one layer on its own or for the poster model in miniature. Inputs are chosen so that a
 * perturbation of epsilon cannot cross a kink: max-pool windows have no ties (a shuffled ramp) and
 * ReLU inputs stay at least 0.1 away from 0.
 */
public record GradcheckCase(String description, Sequential model, Tensor input, Objective objective) implements AutoCloseable {

    /** What can be checked: one layer type, or the small CNN under the real loss. */
    public enum Target { CONV, DENSE, POOL, DROPOUT, RELU, CNN }

    /** Builds the case for {@code target} on {@code backend} (the reference backend, for a check). */
    public static GradcheckCase of(Target target, Backend backend, long seed, int stride, int pad) {
        SplittableRandom random = new SplittableRandom(seed);
        return switch (target) {
            case CONV -> {
                Sequential m = Sequential.builder(backend, 2, 5, 6).withInputGradient().conv2d(3, 3, 3, stride, pad).build(seed);
                yield new GradcheckCase("Conv2D: 2 channels of 5x6 -> 3 filters 3x3, stride " + stride + ", padding " + pad
                        + "; L = sum of r*y with fixed random r", m, uniform(backend, random, 1, 2, 5, 6), Objective.weightedSum(seed));
            }
            case DENSE -> {
                Sequential m = Sequential.builder(backend, 6).withInputGradient().dense(4).build(seed);
                yield new GradcheckCase("Dense: 6 -> 4, batch 2; L = sum of r*y", m, uniform(backend, random, 2, 6), Objective.weightedSum(seed));
            }
            case POOL -> {
                Sequential m = Sequential.builder(backend, 2, 4, 6).withInputGradient().maxPool2x2().build(seed);
                yield new GradcheckCase("MaxPooling2D 2x2: 2 channels of 4x6, no ties; L = sum of r*y", m,
                        shuffledRamp(backend, random, 1, 2, 4, 6), Objective.weightedSum(seed));
            }
            case DROPOUT -> {
                Sequential m = Sequential.builder(backend, 12).withInputGradient().dropout(0.5).build(seed);
                m.setStep(1);
                yield new GradcheckCase("Dropout 0.5 on 12 values, mask fixed at step 1; L = sum of r*y", m,
                        uniform(backend, random, 1, 12), Objective.weightedSum(seed));
            }
            case RELU -> {
                Sequential m = Sequential.builder(backend, 10).withInputGradient().relu().build(seed);
                yield new GradcheckCase("ReLU on 10 values at least 0.1 away from 0; L = sum of r*y", m,
                        awayFromZero(backend, random, 1, 10), Objective.weightedSum(seed));
            }
            case CNN -> {
                Sequential m = Sequential.builder(backend, 3, 22, 24).withInputGradient()
                        .conv2d(4, 3).relu().maxPool2x2().dropout(0.25)
                        .conv2d(4, 3).relu().maxPool2x2().dropout(0.25)
                        .conv2d(5, 3).relu().maxPool2x2().dropout(0.25)
                        .flatten().dense(6).relu().dropout(0.5).dense(5)
                        .build(seed);
                m.setStep(1);
                Tensor targets = backend.allocate(2, 5);
                backend.upload(targets, new double[] {1, 0, 0, 1, 0, 0, 1, 0, 0, 0});
                yield new GradcheckCase("the poster model in miniature (3x22x24 -> 5 labels, batch 2) under sigmoid cross-entropy",
                        m, uniform(backend, random, 2, 3, 22, 24), Objective.sigmoidCrossEntropy(targets));
            }
        };
    }

    private static Tensor uniform(Backend backend, SplittableRandom random, int... shape) {
        Tensor t = backend.allocate(shape);
        double[] v = new double[t.intSize()];
        for (int i = 0; i < v.length; i++) v[i] = random.nextDouble(-1, 1);
        backend.upload(t, v);
        return t;
    }

    private static Tensor awayFromZero(Backend backend, SplittableRandom random, int... shape) {
        Tensor t = backend.allocate(shape);
        double[] v = new double[t.intSize()];
        for (int i = 0; i < v.length; i++) v[i] = (random.nextBoolean() ? 1 : -1) * random.nextDouble(0.1, 1);
        backend.upload(t, v);
        return t;
    }

    /** The values 0, 0.1, 0.2, ... in a random order: every max-pool window has one clear winner. */
    private static Tensor shuffledRamp(Backend backend, SplittableRandom random, int... shape) {
        Tensor t = backend.allocate(shape);
        double[] v = new double[t.intSize()];
        for (int i = 0; i < v.length; i++) v[i] = 0.1 * i;
        for (int i = v.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double tmp = v[i]; v[i] = v[j]; v[j] = tmp;
        }
        backend.upload(t, v);
        return t;
    }

    @Override
    public void close() { model.close(); }
}
