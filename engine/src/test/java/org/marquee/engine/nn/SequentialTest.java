package org.marquee.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.marquee.engine.Backend;
import org.marquee.engine.ConvPlan;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.reference.ReferenceBackend;

class SequentialTest {
    private final Backend ref = new ReferenceBackend();

    private Sequential.Builder smallCnn() {
        return Sequential.builder(ref, 3, 10, 12)
                .conv2d(4, 3).relu().maxPool2x2().dropout(0.25)
                .flatten().dense(8).relu().dropout(0.5).dense(3);
    }

    @Test
    void aConvBlockIsItsThreeLayersUnderTheSameNamesAndParameters() {
        Sequential blocks = Sequential.builder(ref, 3, 10, 12)
                .convBlock(4, 3).dropout(0.25)
                .flatten().dense(8).relu().dropout(0.5).dense(3).build(3);
        Sequential layers = smallCnn().build(3);
        assertEquals(layers.layers().stream().map(Layer::name).toList(), blocks.layers().stream().map(Layer::name).toList());
        assertEquals(layers.layers().stream().map(Layer::type).toList(), blocks.layers().stream().map(Layer::type).toList());
        assertEquals(List.of("conv_block_1", "dropout_1", "flatten_1", "dense_1", "re_lu_2", "dropout_2", "dense_2"),
                blocks.blocks().stream().map(Layer::name).toList());
        assertEquals(layers.summary(), blocks.summary());
        assertArrayEquals(layers.parameters().toDoubles(), blocks.parameters().toDoubles(), 0.0, "same parameters from the same seed");

        ConvBlock block = (ConvBlock) blocks.blocks().get(0);
        assertEquals(block.parts(), blocks.layers().subList(0, 3));
        assertSame(block.convolution(), blocks.layers().get(0));
        assertEquals(block.convolution().parameterCount(), block.parameterCount());
        // run one by one, the parts compute what the block computes
        Tensor x = TestTensors.uniform(ref, 17, 2, 3, 10, 12);
        double[] fused = block.forward(x, false).toDoubles();
        Tensor h = x;
        for (Layer part : block.parts()) h = part.forward(h, false);
        assertArrayEquals(fused, h.toDoubles(), 1e-12);
        int negatives = 0;
        for (double v : fused) if (v < 0) negatives++;
        assertEquals(0, negatives, "pooled after the ReLU");
    }

    @Test
    void aConvBlockComputesWhatItsLayersComputeBitForBit() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            // odd sizes: 17x23 -> conv 15x21 (odd rows and columns dropped by the pooling) -> 7x10
            Sequential fused = Sequential.builder(cpu, 3, 17, 23).withInputGradient()
                    .convBlock(9, 3).conv2d(5, 3).maxPool2x2()
                    .flatten().dense(4).build(5);
            Sequential plain = Sequential.builder(cpu, 3, 17, 23).withInputGradient()
                    .conv2d(9, 3).relu().maxPool2x2().conv2d(5, 3).maxPool2x2()
                    .flatten().dense(4).build(5);
            assertEquals(ConvPlan.Route.DIRECT, ((ConvBlock) fused.blocks().get(0)).convolution().plan().route());
            Tensor x = TestTensors.uniform(cpu, 4, 3, 3, 17, 23);
            Tensor dy = TestTensors.uniform(cpu, 5, 3, 4);
            float[][] a = forwardBackward(fused, x, dy), b = forwardBackward(plain, x, dy);
            assertArrayEquals(a[0], forwardBackward(fused, x, dy)[0], "the block again");
            String[] what = {"logits", "parameter gradients", "input gradient"};
            for (int i = 0; i < what.length; i++) assertArrayEquals(b[i], a[i], what[i]);
            float[] pooled = fused.blocks().get(0).forward(x, true).toFloats();
            Tensor p = x;
            for (int i = 0; i < 3; i++) p = plain.layers().get(i).forward(p, true);
            assertArrayEquals(p.toFloats(), pooled, "the first pooling's output");
        }
    }

    private static float[][] forwardBackward(Sequential m, Tensor x, Tensor dy) {
        m.zeroGradients();
        float[] logits = m.forward(x, true).toFloats();
        m.backward(dy);
        return new float[][] {logits, m.gradients().toFloats(), m.inputGradient().toFloats()};
    }

    @Test
    void namesShapesAndParameterLayout() {
        Sequential m = smallCnn().build(1);
        List<String> names = m.layers().stream().map(Layer::name).toList();
        assertEquals(List.of("conv2d_1", "re_lu_1", "max_pooling2d_1", "dropout_1", "flatten_1", "dense_1",
                "re_lu_2", "dropout_2", "dense_2"), names);
        assertArrayEquals(new int[] {4, 8, 10}, m.layers().get(0).outputShape());
        assertArrayEquals(new int[] {4, 4, 5}, m.layers().get(2).outputShape());
        assertArrayEquals(new int[] {80}, m.layers().get(4).outputShape());
        assertArrayEquals(new int[] {3}, m.outputShape());
        long expected = (4 * 27 + 4) + (80 * 8 + 8) + (8 * 3 + 3);
        assertEquals(expected, m.parameterCount());
        assertEquals(expected, m.parameters().size());
        assertEquals(expected, m.gradients().size());
        assertEquals(List.of("conv2d_1/kernel", "conv2d_1/bias", "dense_1/kernel", "dense_1/bias", "dense_2/kernel", "dense_2/bias"),
                m.namedParameters().stream().map(Parameter::name).toList());
        // the views tile the block in order, with no gaps
        long offset = m.parameters().offset();
        for (Parameter p : m.namedParameters()) {
            assertSame(m.parameters().storage(), p.value().storage());
            assertSame(m.gradients().storage(), p.gradient().storage());
            assertEquals(offset, p.value().offset());
            offset += p.value().size();
        }
        Conv2d conv = (Conv2d) m.layers().get(0);
        assertArrayEquals(new int[] {4, 3, 3, 3}, conv.weights().shape());
        Dense dense = (Dense) m.layers().get(5);
        assertArrayEquals(new int[] {80, 8}, dense.weights().shape());
    }

    @Test
    void sameSeedGivesBitIdenticalParameters() {
        double[] a = smallCnn().build(7).parameters().toDoubles();
        double[] b = smallCnn().build(7).parameters().toDoubles();
        double[] c = smallCnn().build(8).parameters().toDoubles();
        assertArrayEquals(a, b, 0.0);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void glorotUniformKernelsAndZeroBiases() {
        Sequential m = Sequential.builder(ref, 8, 20, 20).conv2d(16, 3).flatten().dense(300).build(3);
        for (Parameter p : m.namedParameters()) {
            double[] v = p.value().toDoubles();
            if (p.name().endsWith("/bias")) {
                for (double x : v) assertEquals(0.0, x);
                continue;
            }
            double limit = p.name().startsWith("conv")
                    ? Math.sqrt(6.0 / (8 * 9 + 16 * 9))         // fan_in = C*KH*KW, fan_out = K*KH*KW
                    : Math.sqrt(6.0 / (16 * 18 * 18 + 300));    // fan_in = in, fan_out = out
            double sum = 0, sq = 0, max = 0;
            for (double x : v) { sum += x; sq += x * x; max = Math.max(max, Math.abs(x)); }
            assertTrue(max <= limit, p.name() + " within the Glorot limit");
            assertTrue(max > 0.98 * limit, p.name() + " fills the range");
            double std = Math.sqrt(sq / v.length - (sum / v.length) * (sum / v.length));
            assertEquals(limit / Math.sqrt(3), std, 0.03 * limit, p.name() + " has the uniform's spread");
        }
    }

    @Test
    void shapeErrorsNameTheLayerAndBothShapes() {
        IllegalArgumentException pool = assertThrows(IllegalArgumentException.class,
                () -> Sequential.builder(ref, 3, 4, 4).conv2d(2, 3).maxPool2x2().maxPool2x2().build(1));
        assertTrue(pool.getMessage().contains("max_pooling2d_2") && pool.getMessage().contains("(2, 1, 1)")
                && pool.getMessage().contains("H >= 2"), pool.getMessage());

        IllegalArgumentException dense = assertThrows(IllegalArgumentException.class,
                () -> Sequential.builder(ref, 3, 8, 8).conv2d(2, 3).dense(4).build(1));
        assertTrue(dense.getMessage().contains("dense_1") && dense.getMessage().contains("(2, 6, 6)")
                && dense.getMessage().contains("flat input"), dense.getMessage());

        IllegalArgumentException conv = assertThrows(IllegalArgumentException.class,
                () -> Sequential.builder(ref, 3, 8, 8).conv2d(2, 3).maxPool2x2().conv2d(4, 5).build(1));
        assertTrue(conv.getMessage().contains("conv2d_2") && conv.getMessage().contains("(2, 3, 3)")
                && conv.getMessage().contains("5x5"), conv.getMessage());

        IllegalArgumentException flatConv = assertThrows(IllegalArgumentException.class,
                () -> Sequential.builder(ref, 10).conv2d(2, 3).build(1));
        assertTrue(flatConv.getMessage().contains("conv2d_1") && flatConv.getMessage().contains("(10)"), flatConv.getMessage());

        IllegalArgumentException stride = assertThrows(IllegalArgumentException.class,
                () -> Sequential.builder(ref, 1, 8, 8).conv2d(2, 3, 3, 0, 0).build(1));
        assertTrue(stride.getMessage().startsWith("conv2d_1"), stride.getMessage());

        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                () -> Sequential.builder(ref, 4).dropout(1.0).build(1));
        assertTrue(rate.getMessage().contains("dropout_1"), rate.getMessage());

        Sequential m = smallCnn().build(1);
        IllegalArgumentException input = assertThrows(IllegalArgumentException.class,
                () -> m.forward(ref.allocate(2, 3, 12, 10), false));
        assertTrue(input.getMessage().contains("(None, 3, 10, 12)"), input.getMessage());
    }

    @Test
    void buffersAreReusedAcrossStepsAndSmallerBatches() {
        Sequential m = smallCnn().build(1);
        Tensor x = TestTensors.uniform(ref, 1, 4, 3, 10, 12);
        Tensor y1 = m.forward(x, true);
        m.backward(y1);
        Tensor y2 = m.forward(x, true);
        assertSame(y1.storage(), y2.storage(), "same output buffer on the next step");
        Tensor y3 = m.forward(x.view(0, 2, 3, 10, 12), true);
        assertSame(y1.storage(), y3.storage(), "a smaller batch uses the front of the buffer");
        assertArrayEquals(new int[] {2, 3}, y3.shape());
        // the first two examples' logits do not depend on the other two (dropout off)
        double[] all = m.forward(x, false).toDoubles();
        double[] front = m.forward(x.view(0, 2, 3, 10, 12), false).toDoubles();
        assertArrayEquals(java.util.Arrays.copyOf(all, 6), front, 1e-12);
    }

    @Test
    void elementwiseLayersBetweenOthersWorkInPlaceButNeverOnTheCallersTensors() {
        Sequential m = smallCnn().build(1);
        Tensor x = TestTensors.uniform(ref, 1, 2, 3, 10, 12);
        Tensor conv = m.layers().get(0).forward(x, true);
        assertSame(conv.storage(), m.layers().get(1).forward(conv, true).storage(), "ReLU after a conv writes over its output");

        // ReLU first and last: the caller's input and output gradient must come back unchanged.
        Sequential edges = Sequential.builder(ref, 3, 10, 12).withInputGradient().relu().conv2d(2, 3).flatten().dense(4).relu()
                .build(1);
        assertTrue(!((ReLU) edges.layers().get(0)).inPlace() && !((ReLU) edges.layers().get(4)).inPlace());
        double[] input = x.toDoubles();
        Tensor dy = TestTensors.uniform(ref, 2, 2, 4);
        double[] gradient = dy.toDoubles();
        edges.forward(x, true);
        edges.backward(dy);
        assertArrayEquals(input, x.toDoubles(), 0, "input untouched");
        assertArrayEquals(gradient, dy.toDoubles(), 0, "output gradient untouched");
    }

    @Test
    void firstLayerComputesNoImageGradient() {
        Sequential m = smallCnn().build(1);
        Tensor x = TestTensors.uniform(ref, 1, 2, 3, 10, 12);
        Tensor y = m.forward(x, true);
        m.zeroGradients();
        m.backward(y);
        assertNull(m.inputGradient());
        assertNull(m.layers().get(0).backward(y.backend().allocate(2, 4, 8, 10)));
        Sequential withInput = smallCnn().withInputGradient().build(1);
        withInput.backward(withInput.forward(x, true));
        assertNotNull(withInput.inputGradient());
        assertArrayEquals(x.shape(), withInput.inputGradient().shape());
    }

    @Test
    void parameterGradientsAccumulateAndInputGradientsDoNot() {
        // every layer type, each computing dL/dx, so a stale input-gradient buffer would show
        Sequential m = Sequential.builder(ref, 3, 10, 12).withInputGradient()
                .conv2d(4, 3).relu().maxPool2x2().dropout(0.25).conv2d(3, 3, 3, 1, 1)
                .flatten().dense(8).relu().dropout(0.5).dense(3).build(1);
        Tensor x = TestTensors.uniform(ref, 1, 2, 3, 10, 12);
        Tensor dy = TestTensors.uniform(ref, 2, 2, 3);
        m.zeroGradients();
        m.forward(x, true);
        m.backward(dy);
        double[] once = m.gradients().toDoubles();
        double[] dxOnce = m.inputGradient().toDoubles();
        m.forward(x, true);
        m.backward(dy);
        double[] twice = m.gradients().toDoubles();
        assertArrayEquals(dxOnce, m.inputGradient().toDoubles(), 1e-15, "input gradients are written afresh");
        double norm = 0;
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], twice[i], 1e-12);
            norm += once[i] * once[i];
        }
        assertTrue(norm > 0);
        m.zeroGradients();
        assertEquals(0.0, ref.sumOfSquares(m.gradients()));
    }

    @Test
    void shardsThatKnowTheirFirstRowAddUpToTheWholeBatchsGradient() {
        // one model on a batch of 5 rows against two replicas on rows 0..1 and 2..4: each shard's
        // gradient of its own mean loss, weighted by its share of the rows, sums to the whole's
        int n = 5, g = 3;
        Tensor x = TestTensors.uniform(ref, 21, n, 3, 10, 12);
        double[] targets = new double[n * g];
        for (int i = 0; i < targets.length; i++) targets[i] = (i * 7) % 3 == 0 ? 1 : 0;
        double[] whole = shardGradient(x, targets, 0, n, n, true);
        double[] sum = new double[whole.length];
        int[][] shards = {{0, 2}, {2, 5}};
        for (int[] s : shards) {
            double[] part = shardGradient(x, targets, s[0], s[1], n, true);
            for (int i = 0; i < sum.length; i++) sum[i] += part[i];
        }
        for (int i = 0; i < sum.length; i++) assertEquals(whole[i], sum[i], 1e-12 * (1 + Math.abs(whole[i])), "parameter " + i);
        // without the first row each shard draws the masks of rows 0.. again, and the sum differs
        double[] wrong = new double[whole.length];
        for (int[] s : shards) {
            double[] part = shardGradient(x, targets, s[0], s[1], n, false);
            for (int i = 0; i < wrong.length; i++) wrong[i] += part[i];
        }
        double diff = 0;
        for (int i = 0; i < wrong.length; i++) diff = Math.max(diff, Math.abs(wrong[i] - whole[i]));
        assertTrue(diff > 1e-6, "masks keyed by the shard's own rows give another gradient");
    }

    /** Rows [from, to) of x through a fresh replica at step 3; its gradient of the mean loss, scaled by (to - from) / n. */
    private double[] shardGradient(Tensor x, double[] targets, int from, int to, int n, boolean knowsFirstRow) {
        int rows = to - from, per = 3 * 10 * 12, g = 3;
        try (Sequential m = smallCnn().build(3);
             Tensor xs = ref.allocate(rows, 3, 10, 12);
             Tensor t = ref.allocate(rows, g);
             Tensor grad = ref.allocate(rows, g)) {
            ref.upload(xs, java.util.Arrays.copyOfRange(x.toFloats(), from * per, to * per));
            float[] tf = new float[rows * g];
            for (int i = 0; i < tf.length; i++) tf[i] = (float) targets[from * g + i];
            ref.upload(t, tf);
            m.setStep(3);
            if (knowsFirstRow) m.setFirstRow(from);
            Tensor logits = m.forward(xs, true);
            Loss.sigmoidCrossEntropy(ref, logits, t, grad);
            m.zeroGradients();
            m.backward(grad);
            double[] d = m.gradients().toDoubles();
            for (int i = 0; i < d.length; i++) d[i] *= rows / (double) n;
            return d;
        }
    }

    @Test
    void dropoutMaskDependsOnSeedAndStepAndIsOffAtInference() {
        Sequential m = Sequential.builder(ref, 1000).dropout(0.5).build(1);
        Tensor x = TestTensors.awayFromZero(ref, 3, 1, 1000);
        assertSame(x, m.forward(x, false), "identity at inference, no copy");
        m.setStep(5);
        double[] a = m.forward(x, true).toDoubles();
        double[] again = m.forward(x, true).toDoubles();
        assertArrayEquals(a, again, 0.0, "same step, same mask");
        m.setStep(6);
        double[] b = m.forward(x, true).toDoubles();
        assertFalse(java.util.Arrays.equals(a, b), "a new step draws a new mask");
        m.setStep(5);
        m.setDropoutSeed(99);
        double[] c = m.forward(x, true).toDoubles();
        assertFalse(java.util.Arrays.equals(a, c), "a new seed draws a new mask");
        double[] in = x.toDoubles();
        int kept = 0;
        for (int i = 0; i < a.length; i++) {
            assertTrue(a[i] == 0 || a[i] == 2 * in[i], "dropped or scaled by 1/(1-rate)");
            if (a[i] != 0) kept++;
        }
        assertTrue(kept > 430 && kept < 570, "about half kept: " + kept);
        // layer i uses seed + i: the mask equals the hash for (seed + 0, step, element)
        m.setDropoutSeed(10);
        double[] d = m.forward(x, true).toDoubles();
        for (int i = 0; i < d.length; i++) {
            assertEquals(org.marquee.engine.DropoutHash.maskValue(10, 5, i, 0.5) * in[i], d[i], 0.0);
        }
    }

    @Test
    void flattenIsAView() {
        Sequential m = Sequential.builder(ref, 2, 3, 4).flatten().build(1);
        Tensor x = TestTensors.uniform(ref, 1, 2, 2, 3, 4);
        Tensor y = m.forward(x, true);
        assertSame(x.storage(), y.storage());
        assertArrayEquals(new int[] {2, 24}, y.shape());
    }

    @Test
    void sigmoidIsInferenceOnly() {
        Sequential m = Sequential.builder(ref, 3).sigmoid().build(1);
        Tensor x = ref.allocate(1, 3);
        ref.upload(x, new double[] {0, 1000, -1000});
        assertArrayEquals(new double[] {0.5, 1, 0}, m.forward(x, false).toDoubles(), 1e-15);
        assertEquals("activation_1", m.layers().get(0).name());
        assertThrows(UnsupportedOperationException.class, () -> m.layers().get(0).backward(x));
    }

    @Test
    void summaryListsEveryLayerAndTheTotal() {
        String s = smallCnn().build(1).summary();
        assertTrue(s.contains("conv2d_1 (Conv2D+ReLU)"), s);
        assertTrue(s.contains("(None, 4, 8, 10)"), s);
        assertTrue(s.contains("dense_1 (Dense+ReLU)"), s);
        assertFalse(s.contains("re_lu"), s);
        assertTrue(s.contains("Total params: " + String.format("%,d", 112 + 648 + 27)), s);
    }
}
