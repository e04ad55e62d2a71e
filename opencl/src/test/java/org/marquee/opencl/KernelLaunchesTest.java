package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.ConvBlock;
import org.marquee.engine.nn.Sequential;

/**
 * Kernel launches per training step: on the GPU family the convolutions run a whole batch per
 * launch, so a step's count does not grow with the batch; the CPU family's textbook route runs an
 * im2col and a gemm per image.
 */
class KernelLaunchesTest {

    /** The poster model's layers in miniature: three conv blocks, dropout, two dense layers. */
    private static Sequential model(OpenClBackend b) {
        return Sequential.builder(b, 3, 30, 30)
                .convBlock(4, 3).dropout(0.25)
                .convBlock(5, 3).dropout(0.25)
                .convBlock(6, 3).dropout(0.25)
                .flatten().dense(8).relu().dropout(0.5).dense(5)
                .build(3);
    }

    /** Launches of the second training step at this batch size (the first may tune the GEMMs). */
    private static long launchesPerStep(OpenClBackend b, int batch) {
        try (Sequential m = model(b); Adam adam = new Adam(b, AdamConfig.keras(), m.parameterCount())) {
            Tensor x = b.allocate(batch, 3, 30, 30), t = b.allocate(batch, 5), grad = b.allocate(batch, 5);
            b.fill(x, 0.5);
            b.fill(t, 1);
            long before = 0;
            for (int step = 1; step <= 2; step++) {
                if (step == 2) before = b.kernelLaunches();
                m.setStep(step);
                m.zeroGradients();
                Tensor logits = m.forward(x, true);
                b.sigmoidCrossEntropy(logits, t, grad);
                m.backward(grad);
                adam.step(m.parameters(), m.gradients());
            }
            long launches = b.kernelLaunches() - before;
            x.close();
            t.close();
            grad.close();
            return launches;
        }
    }

    @Test
    void theGpuFamilysStepLaunchesAsManyKernelsForAnyBatch() {
        try (OpenClBackend gpu = OpenClRequirement.backend(
                OpenClBackend.Options.fromProperties(System.getProperties()).withFamily(GemmFamily.GPU).withTuning(false))) {
            try (Sequential m = model(gpu)) {
                assertEquals(org.marquee.engine.ConvPlan.Route.BATCHED, ((ConvBlock) m.blocks().get(0)).convolution().plan().route());
            }
            long flushes = gpu.flushes();
            long two = launchesPerStep(gpu, 2), eight = launchesPerStep(gpu, 8);
            assertEquals(two, eight, "launches per step at batch 2 and 8");
            assertTrue(gpu.flushes() - flushes >= 4 * 11, "a flush after each GEMM: " + (gpu.flushes() - flushes) + " in four steps");
            assertEquals(java.util.List.of(), gpu.builtPrograms().stream().filter(p -> p.startsWith("gemm.cl") || p.startsWith("conv.cl")).toList(),
                    "the GPU family builds none of the CPU family's programs");
            assertTrue(two <= 80, "a training step of three conv blocks launched " + two + " kernels");
        }
    }

    @Test
    void theCpuFamilysTextbookRouteLaunchesPerImage() {
        try (OpenClBackend cpu = OpenClRequirement.backend(
                OpenClBackend.Options.fromProperties(System.getProperties()).withFamily(GemmFamily.CPU))) {
            long two = launchesPerStep(cpu, 2), eight = launchesPerStep(cpu, 8);
            assertTrue(eight > two + 6 * 3 * 2, "per-image launches: " + two + " at batch 2, " + eight + " at batch 8");
            assertEquals(java.util.List.of(), cpu.builtPrograms().stream().filter(p -> p.startsWith("gemm_gpu.cl") || p.startsWith("conv_batch.cl")).toList(),
                    "the CPU family builds none of the GPU family's programs");
        }
    }
}
