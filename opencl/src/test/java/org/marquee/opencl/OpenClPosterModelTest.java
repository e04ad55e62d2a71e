package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Loss;
import org.marquee.engine.nn.Sequential;

/**
 * A few training steps of the full poster model at batch 2 on OpenCL against the CPU backend
 * (both float32, same seed, same dropout masks). The layer stack is the one of app's
 * PosterModel.build (the app module depends on this one, so it is repeated here; the parameter
 * count pins it to the Keras model).
 *
 * <p>Tolerances: both backends round to float32 but sum in different orders (dense1 reduces over
 * 86,528 terms), so losses agree to about 1e-5 relative and gradients to about 1e-4 in relative L2
 * norm; we allow 1e-4 and 1e-3. Parameters are not compared element by element: Adam moves a
 * parameter by about lr whatever the size of its gradient, so a near-zero gradient whose sign
 * differs in the last bits moves it in opposite directions; the losses of later steps, which
 * depend on all parameters, are compared instead.
 */
class OpenClPosterModelTest {
    private static final int N = 2, GENRES = 27;

    static Sequential posterModel(Backend backend, long seed) {
        return Sequential.builder(backend, 3, 224, 224)
                .conv2d(32, 3).relu().maxPool2x2().dropout(0.25)
                .conv2d(64, 3).relu().maxPool2x2().dropout(0.25)
                .conv2d(128, 3).relu().maxPool2x2().dropout(0.25)
                .flatten()
                .dense(128).relu().dropout(0.5)
                .dense(GENRES)
                .build(seed);
    }

    /** Losses of each step, and the gradient of the first step. */
    private record Run(double[] losses, float[] firstGradient) {}

    private static Run train(Backend b, int steps) {
        try (Sequential model = posterModel(b, 2024); Adam adam = new Adam(b, AdamConfig.keras(), model.parameterCount())) {
            assertEquals(11_172_443L, model.parameterCount());
            Tensor x = b.allocate(N, 3, 224, 224);
            SplittableRandom r = new SplittableRandom(3);
            float[] pixels = new float[x.intSize()];
            for (int i = 0; i < pixels.length; i++) pixels[i] = (float) r.nextDouble();
            b.upload(x, pixels);
            Tensor targets = b.allocate(N, GENRES);
            float[] t = new float[N * GENRES];
            t[7] = 1; t[12] = 1; t[GENRES + 3] = 1;
            b.upload(targets, t);
            Tensor grad = b.allocate(N, GENRES);
            double[] losses = new double[steps];
            float[] first = null;
            for (int s = 0; s < steps; s++) {
                model.setStep(s + 1);
                model.zeroGradients();
                losses[s] = Loss.sigmoidCrossEntropy(b, model.forward(x, true), targets, grad);
                model.backward(grad);
                if (s == 0) first = model.gradients().toFloats();
                adam.step(model.parameters(), model.gradients());
            }
            for (Tensor tensor : new Tensor[] {x, targets, grad}) tensor.storage().close();
            return new Run(losses, first);
        }
    }

    @Test
    void trainingStepsMatchTheCpuBackend() {
        int steps = 3;
        Run cpu;
        try (Backend b = new CpuBackend(0)) {
            cpu = train(b, steps);
        }
        Run ocl;
        try (Backend b = OpenClRequirement.backend()) {
            ocl = train(b, steps);
        }
        for (int s = 0; s < steps; s++) {
            assertEquals(cpu.losses()[s], ocl.losses()[s], 1e-4 * Math.abs(cpu.losses()[s]), "loss of step " + (s + 1));
        }
        assertTrue(Math.abs(cpu.losses()[1] - cpu.losses()[0]) > 1e-3, "the Adam steps change the model: " + java.util.Arrays.toString(cpu.losses()));
        double diff = 0, norm = 0;
        for (int i = 0; i < cpu.firstGradient().length; i++) {
            double d = ocl.firstGradient()[i] - cpu.firstGradient()[i];
            diff += d * d;
            norm += (double) cpu.firstGradient()[i] * cpu.firstGradient()[i];
        }
        double rel = Math.sqrt(diff / norm);
        assertTrue(norm > 0 && rel < 1e-3, "relative L2 difference of the first gradient: " + rel);
    }
}
