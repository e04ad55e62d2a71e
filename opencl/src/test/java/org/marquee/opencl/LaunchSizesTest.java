package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Sequential;

/**
 * Every launch has a work-group size that divides its global size: OpenCL 1.2 lets a driver run a
 * launch without one in groups of a single work-item when nothing else divides the global size
 * (Adam over the poster model's 11,172,443 parameters, a prime), so such a launch must be
 * impossible. The reductions run as trees over many work-groups.
 */
class LaunchSizesTest {
    private static final int PRIME = 100_003;

    @Test
    void groupsArePowersOfTwoWithinTheLimits() {
        long[] items = {1024, 1024, 64};
        assertArrayEquals(new long[] {256}, KernelCall.groupFor(new long[] {11_172_443}, 1024, items));
        assertArrayEquals(new long[] {11_172_608}, KernelCall.roundUp(new long[] {11_172_443}, new long[] {256}));
        assertArrayEquals(new long[] {8, 4}, KernelCall.groupFor(new long[] {5, 3}, 1024, items));
        assertArrayEquals(new long[] {256, 1, 1}, KernelCall.groupFor(new long[] {2704, 128, 32}, 1024, items));
        assertArrayEquals(new long[] {16, 16, 1}, KernelCall.groupFor(new long[] {13, 500, 7}, 1024, items));
        assertArrayEquals(new long[] {64}, KernelCall.groupFor(new long[] {PRIME}, 96, items), "a kernel limited to 96 work-items");
        assertArrayEquals(new long[] {4, 2, 2}, KernelCall.groupFor(new long[] {3, 2, 100}, 16, new long[] {4, 4, 2}));
        assertArrayEquals(new long[] {1}, KernelCall.groupFor(new long[] {1}, 1024, items));
    }

    @Test
    void reductionsSpreadOverManyWorkGroups() {
        assertEquals(1024, OpenClBackend.reduceGroups(11_172_443, 132), "the gradient norm on a 132-unit GPU");
        assertEquals(32, OpenClBackend.reduceGroups(11_172_443, 2));
        assertEquals(1, OpenClBackend.reduceGroups(200, 132));
        assertEquals(33, OpenClBackend.biasGradParts(32, 32, 49_284, 132), "conv1's bias gradient at batch 32");
        assertEquals(1, OpenClBackend.biasGradParts(32, 128, 1, 132), "a dense layer's: one group per channel");
        assertEquals(64, OpenClBackend.biasGradParts(32, 1, 1_000_000, 132));
    }

    @Test
    void aLaunchWithoutALocalSizeIsRefused() {
        try (OpenClBackend b = OpenClRequirement.backend()) {
            Tensor x = b.allocate(16);
            OpenClContext cl = b.context();
            KernelCall call = new KernelCall(cl, "elementwise.cl", "relu").mem((ClStorage) x.storage()).i(0)
                    .mem((ClStorage) x.storage()).i(0).i(16);
            long before = b.kernelLaunches();
            assertThrows(IllegalArgumentException.class, () -> call.run(new long[] {16}, null));
            assertThrows(IllegalArgumentException.class, () -> cl.enqueue(cl.kernel("elementwise.cl", "relu"), "relu", new long[] {16}, null));
            assertThrows(IllegalArgumentException.class, () -> cl.enqueue(cl.kernel("elementwise.cl", "relu"), "relu", new long[] {17}, new long[] {16}),
                    "a local size that does not divide the global size");
            assertEquals(before, b.kernelLaunches(), "nothing was enqueued");
            x.close();
        }
    }

    @Test
    void aPrimeNumberOfElementsRunsInFullGroupsAndEveryElementIsComputed() {
        try (OpenClBackend b = OpenClRequirement.backend()) {
            List<OpenClContext.Launch> launches = new ArrayList<>();
            b.onLaunch(launches::add);
            Tensor x = b.allocate(PRIME), y = b.allocate(PRIME);
            float[] values = new float[PRIME];
            for (int i = 0; i < PRIME; i++) values[i] = (i % 3 == 0 ? -1 : 1) * (i + 1);
            b.upload(x, values);
            b.fill(y, 7);
            b.relu(x, y);
            float[] out = b.download(y);
            for (int i = 0; i < PRIME; i++) assertEquals(Math.max(values[i], 0), out[i], "element " + i);
            OpenClContext.Launch relu = launches.get(launches.size() - 1);
            assertEquals("relu", relu.kernel());
            assertArrayEquals(new long[] {256}, relu.local());
            assertArrayEquals(new long[] {(PRIME + 255) / 256 * 256}, relu.global());

            double expected = 0;
            for (float v : values) expected += (double) v * v;
            launches.clear();
            assertEquals(expected, b.sumOfSquares(x), 1e-6 * expected);
            assertEquals(List.of("sum_groups", "sum_finish"), launches.stream().map(l -> l.kernel().replace("_f64", "")).toList());
            int groups = OpenClBackend.reduceGroups(PRIME, b.device().computeUnits());
            assertTrue(groups > 1, "the first pass runs " + groups + " work-groups");
            assertArrayEquals(new long[] {groups * 256L}, launches.get(0).global());
            b.onLaunch(null);
            x.close();
            y.close();
        }
    }

    @Test
    void everyLaunchOfATrainingStepIsSized() {
        try (OpenClBackend b = OpenClRequirement.backend(
                OpenClBackend.Options.fromProperties(System.getProperties()).withFamily(GemmFamily.GPU).withTuning(false));
             Sequential m = Sequential.builder(b, 3, 30, 30).convBlock(4, 3).convBlock(5, 3).flatten().dense(7).relu().dropout(0.5).dense(5).build(3);
             Adam adam = new Adam(b, AdamConfig.keras().withClipNorm(1), m.parameterCount())) {
            Tensor x = b.allocate(3, 3, 30, 30), t = b.allocate(3, 5), grad = b.allocate(3, 5);
            b.fill(x, 0.5);
            b.fill(t, 1);
            List<OpenClContext.Launch> launches = new ArrayList<>();
            b.onLaunch(launches::add);
            m.setStep(1);
            m.zeroGradients();
            b.sigmoidCrossEntropy(m.forward(x, true), t, grad);
            m.backward(grad);
            adam.step(m.parameters(), m.gradients());
            b.synchronize();
            b.onLaunch(null);
            assertTrue(launches.size() > 20, launches.size() + " launches");
            for (OpenClContext.Launch l : launches) {
                assertNotNull(l.local(), l.toString());
                long wanted = 1;
                for (int d = 0; d < l.global().length; d++) {
                    assertEquals(0, l.global()[d] % l.local()[d], l.toString());
                    wanted *= l.global()[d];
                }
                assertTrue(l.groupSize() >= Math.min(32, wanted), "groups of at least 32 work-items where there are that many: " + l);
            }
            assertTrue(launches.stream().anyMatch(l -> l.kernel().equals("adam_step") && l.groupSize() == 256), "Adam in groups of 256");
            x.close();
            t.close();
            grad.close();
        }
    }
}
