package org.marquee.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Loss;
import org.marquee.engine.nn.Sequential;
import org.marquee.opencl.GemmFamily;
import org.marquee.opencl.HostTransfers;
import org.marquee.opencl.OpenClBackend;
import org.marquee.opencl.OpenClRequirement;

/**
 * A few training steps of {@link PosterModel} at batch 2 on OpenCL against the CPU backend (both
 * float32, same seed, same dropout masks). Skipped without a usable OpenCL device, a failure then
 * when {@code MARQUEE_REQUIRE_OPENCL=1} ({@link OpenClRequirement}).
 *
 * <p>Tolerances: both backends round to float32 but sum in different orders (dense1 reduces over
 * 86,528 terms), so losses agree to about 1e-5 relative and gradients to about 1e-4 in relative L2
 * norm; we allow 1e-4 and 1e-3. Parameters are not compared element by element: Adam moves a
 * parameter by about lr whatever the size of its gradient, so a near-zero gradient whose sign
 * differs in the last bits moves it in opposite directions; the losses of later steps, which
 * depend on all parameters, are compared instead.
 *
 * <p>On OpenCL the parameters stay on the device: a training step copies nothing to the device and
 * reads back only the loss, one number reduced on the device (without clipping no gradient norm is computed).
 */
class OpenClPosterModelTest {
    private static final int N = 2, STEPS = 3;

    /** Losses of each step, and the gradient of the first step. */
    private record Run(double[] losses, float[] firstGradient) {}

    private static Run train(Backend b, List<HostTransfers> perStep) {
        try (Sequential model = PosterModel.build(b, 2024); Adam adam = new Adam(b, AdamConfig.keras(), model.parameterCount())) {
            assertEquals(11_172_443L, model.parameterCount());
            Tensor x = b.allocate(N, PosterModel.CHANNELS, PosterModel.HEIGHT, PosterModel.WIDTH);
            SplittableRandom r = new SplittableRandom(3);
            float[] pixels = new float[x.intSize()];
            for (int i = 0; i < pixels.length; i++) pixels[i] = (float) r.nextDouble();
            b.upload(x, pixels);
            Tensor targets = b.allocate(N, PosterModel.GENRES);
            float[] t = new float[N * PosterModel.GENRES];
            t[7] = 1; t[12] = 1; t[PosterModel.GENRES + 3] = 1;
            b.upload(targets, t);
            Tensor grad = b.allocate(N, PosterModel.GENRES);
            double[] losses = new double[STEPS];
            float[] first = null;
            for (int s = 0; s < STEPS; s++) {
                HostTransfers before = b instanceof OpenClBackend ocl ? ocl.hostTransfers() : null;
                model.setStep(s + 1);
                model.zeroGradients();
                losses[s] = Loss.sigmoidCrossEntropy(b, model.forward(x, true), targets, grad);
                model.backward(grad);
                if (s == 0) first = model.gradients().toFloats();
                adam.step(model.parameters(), model.gradients());
                b.synchronize();
                if (before != null && s > 0) perStep.add(((OpenClBackend) b).hostTransfers().since(before));
            }
            for (Tensor tensor : new Tensor[] {x, targets, grad}) tensor.close();
            return new Run(losses, first);
        }
    }

    private static Run cpuRun;

    private static synchronized Run cpu() {
        if (cpuRun == null) {
            try (Backend b = new CpuBackend(0)) {
                cpuRun = train(b, new ArrayList<>());
            }
        }
        return cpuRun;
    }

    @Test
    void trainingStepsMatchTheCpuBackend() {
        try (OpenClBackend b = OpenClRequirement.backend()) {
            matchesTheCpuBackend(b);
        }
    }

    /** The same with the GPU GEMM family forced (gemm_gpu.cl, untuned: the first variant that fits), on whatever device. */
    @Test
    void trainingStepsMatchTheCpuBackendWithTheGpuGemmFamily() {
        try (OpenClBackend b = OpenClRequirement.backend(
                OpenClBackend.Options.fromProperties(System.getProperties()).withFamily(GemmFamily.GPU).withTuning(false))) {
            assertEquals(GemmFamily.GPU, b.gemmFamily(), b.describe());
            matchesTheCpuBackend(b);
        }
    }

    private static void matchesTheCpuBackend(OpenClBackend b) {
        Run cpu = cpu();
        List<HostTransfers> transfers = new ArrayList<>();
        Run ocl = train(b, transfers);
        for (int s = 0; s < STEPS; s++) {
            assertEquals(cpu.losses()[s], ocl.losses()[s], 1e-4 * Math.abs(cpu.losses()[s]), "loss of step " + (s + 1));
        }
        assertTrue(Math.abs(cpu.losses()[1] - cpu.losses()[0]) > 1e-3, "the Adam steps change the model: " + Arrays.toString(cpu.losses()));
        double diff = 0, norm = 0;
        for (int i = 0; i < cpu.firstGradient().length; i++) {
            double d = ocl.firstGradient()[i] - cpu.firstGradient()[i];
            diff += d * d;
            norm += (double) cpu.firstGradient()[i] * cpu.firstGradient()[i];
        }
        double rel = Math.sqrt(diff / norm);
        assertTrue(norm > 0 && rel < 1e-3, "relative L2 difference of the first gradient: " + rel);

        assertEquals(STEPS - 1, transfers.size());
        for (HostTransfers step : transfers) {
            assertEquals(0, step.uploads(), "a training step uploads nothing: " + step);
            // without clipping no gradient norm is computed; the loss is reduced on the device
            assertEquals(1, step.reads(), "a training step reads back the loss only: " + step);
            assertTrue(step.readBytes() <= 8, "bytes read back in one step: " + step + ", at most one double");
        }
    }
}
