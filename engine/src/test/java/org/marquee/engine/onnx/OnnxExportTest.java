package org.marquee.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.nn.Layer;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * Exported models run in ONNX Runtime and give what Marquee's inference forward gives, on the cpu
 * backend (float32) and the reference backend, with random weights (biases included) and inputs.
 */
class OnnxExportTest {
    private static final double TOLERANCE = 1e-4;
    private static final CpuBackend CPU = new CpuBackend(2);
    private static final List<Backend> BACKENDS = List.of(CPU, new ReferenceBackend());

    @AfterAll
    static void close() { CPU.close(); }

    /** Every layer kind: padding 0 and 1, stride 1 and 2, a non-square kernel and input, 3 channels. */
    private static Sequential everyLayer(Backend b, long seed) {
        return Sequential.builder(b, 3, 13, 17)
                .conv2d(4, 3, 3, 1, 1).relu()            // (4, 13, 17)
                .convBlock(5, 3).dropout(0.3)            // conv (5, 11, 15), pooled (5, 5, 7): the odd row and column dropped
                .conv2d(6, 2, 3, 2, 1)                   // (6, 3, 4)
                .maxPool2x2()                            // (6, 1, 2)
                .flatten().dense(7).relu().dropout(0.5)
                .dense(4).sigmoid()
                .build(seed);
    }

    /** One channel, a block with stride 2 and padding 1, no sigmoid: the last layer gives logits. */
    private static Sequential oneChannel(Backend b, long seed) {
        return Sequential.builder(b, 1, 9, 8)
                .convBlock(3, 3, 3, 2, 1)                // conv (3, 5, 4), pooled (3, 2, 2)
                .conv2d(2, 1, 1, 1, 0)                   // a 1x1 convolution
                .flatten().dense(2)
                .build(seed);
    }

    @Test
    void everyLayerKindMatchesMarqueeInOnnxRuntime() throws OrtException {
        for (Backend b : BACKENDS) {
            try (Sequential m = randomized(everyLayer(b, 1), 11)) {
                OnnxModel onnx = OnnxExport.of(m);
                assertEquals(List.of("Conv", "Relu", "Conv", "Relu", "MaxPool", "Conv", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm",
                        "Sigmoid"), onnx.operators(), "no node for a dropout, a block as its three layers");
                for (int batch : new int[] {2, 3}) assertMatches(m, onnx, OnnxExport.OUTPUT, batch, 100 + batch, b);
            }
        }
    }

    @Test
    void oneChannelWithStrideAndPaddingInABlock() throws OrtException {
        for (Backend b : BACKENDS) {
            try (Sequential m = randomized(oneChannel(b, 2), 12)) {
                OnnxModel onnx = OnnxExport.of(m);
                assertEquals(List.of("Conv", "Relu", "MaxPool", "Conv", "Flatten", "Gemm"), onnx.operators());
                for (int batch : new int[] {2, 3}) assertMatches(m, onnx, OnnxExport.OUTPUT, batch, 200 + batch, b);
            }
        }
    }

    @Test
    void withSigmoidGivesProbabilitiesAndTheLogits() throws OrtException {
        try (Sequential m = randomized(oneChannel(CPU, 3), 13)) {
            OnnxModel onnx = OnnxExport.withSigmoid(m);
            assertEquals(List.of("probabilities", "logits"), onnx.outputs().stream().map(OnnxModel.Value::name).toList());
            float[] x = uniform(2 * 9 * 8, 7);
            float[] logits = marquee(m, x, 2);
            Map<String, OnnxRuntimeRun.Output> out = OnnxRuntimeRun.run(onnx.bytes(), x, 2, 1, 9, 8);
            assertEquals(List.of("probabilities", "logits"), List.copyOf(out.keySet()));
            float[] probabilities = new float[logits.length];
            for (int i = 0; i < logits.length; i++) probabilities[i] = (float) (1 / (1 + Math.exp(-logits[i])));
            assertTrue(OnnxRuntimeRun.maxDifference(logits, out.get("logits").values()) <= TOLERANCE);
            assertTrue(OnnxRuntimeRun.maxDifference(probabilities, out.get("probabilities").values()) <= TOLERANCE);
            for (float p : out.get("probabilities").values()) assertTrue(p > 0 && p < 1, "a probability: " + p);
        }
    }

    @Test
    void inputsAndOutputsHaveASymbolicBatchSize() throws OrtException {
        try (Sequential m = Sequential.builder(CPU, 3, 13, 17).convBlock(2, 3).flatten().dense(4).build(4)) {
            OnnxModel onnx = OnnxExport.withSigmoid(m);
            assertEquals("input float32 (N, 3, 13, 17)", onnx.input().toString());
            assertEquals("[probabilities float32 (N, 4), logits float32 (N, 4)]", onnx.outputs().toString());
            Map<String, long[]> signature = OnnxRuntimeRun.signature(onnx.bytes());
            assertEquals(List.of("input", "probabilities", "logits"), List.copyOf(signature.keySet()));
            assertArrayEquals(new long[] {-1, 3, 13, 17}, signature.get("input"));
            assertArrayEquals(new long[] {-1, 4}, signature.get("logits"));
            assertEquals(13, onnx.opset());
        }
    }

    @Test
    void aModelOfDropoutsOnlyIsTheIdentity() throws OrtException {
        try (Sequential m = Sequential.builder(CPU, 2, 3, 4).dropout(0.5).build(5)) {
            OnnxModel onnx = OnnxExport.of(m);
            assertEquals(List.of("Identity"), onnx.operators());
            float[] x = uniform(3 * 24, 8);
            assertArrayEquals(x, OnnxRuntimeRun.run(onnx.bytes(), x, 3, 2, 3, 4).get("output").values());
        }
    }

    @Test
    void theSameModelGivesTheSameBytes() {
        for (Backend b : BACKENDS) {
            try (Sequential m1 = randomized(everyLayer(b, 6), 14); Sequential m2 = randomized(everyLayer(b, 6), 14);
                 Sequential other = randomized(everyLayer(b, 6), 15)) {
                byte[] bytes = OnnxExport.of(m1).bytes();
                assertArrayEquals(bytes, OnnxExport.of(m1).bytes(), "the same model twice");
                assertArrayEquals(bytes, OnnxExport.of(m2).bytes(), "an identical model");
                assertFalse(java.util.Arrays.equals(bytes, OnnxExport.of(other).bytes()), "other weights");
            }
        }
    }

    @Test
    void theParametersAreStoredAsFloat32UnderTheirNames() {
        try (Sequential m = randomized(oneChannel(CPU, 7), 16)) {
            byte[] bytes = OnnxExport.of(m).bytes();
            long floats = m.parameterCount();
            assertTrue(bytes.length > 4 * floats && bytes.length < 4 * floats + 2000, bytes.length + " bytes for " + floats + " parameters");
            String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
            for (var p : m.namedParameters()) assertTrue(text.contains(p.name()), p.name());
            assertTrue(text.contains("marquee"), "producer name");
        }
    }

    @Test
    void metadataIsStoredSortedByKey() throws OrtException {
        try (Sequential m = oneChannel(CPU, 8)) {
            Map<String, String> metadata = new java.util.LinkedHashMap<>();
            metadata.put("labels", "a,b");
            metadata.put("image_size", "9x8");
            OnnxModel onnx = OnnxExport.export(m, true, metadata);
            assertEquals(metadata, OnnxRuntimeRun.metadata(onnx.bytes()));
            Map<String, String> reversed = new java.util.LinkedHashMap<>();
            reversed.put("image_size", "9x8");
            reversed.put("labels", "a,b");
            assertArrayEquals(onnx.bytes(), OnnxExport.export(m, true, reversed).bytes(), "the same bytes in any map order");
            assertArrayEquals(OnnxExport.withSigmoid(m).bytes(), OnnxExport.export(m, true, Map.of()).bytes());
        }
    }

    @Test
    void aModelEndingInASigmoidGetsNoSecondOne() {
        try (Sequential m = everyLayer(CPU, 9)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.withSigmoid(m));
            assertTrue(e.getMessage().contains("sigmoid already (activation_1)"), e.getMessage());
        }
    }

    @Test
    void anUnknownLayerIsRefusedByName() {
        Layer odd = new Layer() {
            @Override public String name() { return "softmax_1"; }
            @Override public String type() { return "Softmax"; }
            @Override public int[] inputShape() { return new int[] {4}; }
            @Override public int[] outputShape() { return new int[] {4}; }
            @Override public int parameterCount() { return 0; }
            @Override public Tensor forward(Tensor x, boolean training) { return x; }
            @Override public Tensor backward(Tensor dy) { return dy; }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.export("g", new int[] {4}, List.of(odd), false, Map.of(), new java.util.ArrayList<>()));
        assertTrue(e.getMessage().contains("softmax_1 (Softmax"), e.getMessage());
    }

    /** Marquee's inference output and ONNX Runtime's for the same random input agree within {@link #TOLERANCE}. */
    static void assertMatches(Sequential m, OnnxModel onnx, String output, int batch, long seed, Backend b) throws OrtException {
        int[] in = m.inputShape();
        long[] shape = new long[in.length + 1];
        shape[0] = batch;
        int size = batch;
        for (int i = 0; i < in.length; i++) { shape[i + 1] = in[i]; size *= in[i]; }
        float[] x = uniform(size, seed);
        float[] expected = marquee(m, x, batch);
        OnnxRuntimeRun.Output got = OnnxRuntimeRun.run(onnx.bytes(), x, shape).get(output);
        assertEquals(batch * m.outputShape()[0], got.values().length);
        assertEquals(batch, got.shape()[0]);
        double diff = OnnxRuntimeRun.maxDifference(expected, got.values());
        assertTrue(diff <= TOLERANCE, b.name() + ", batch " + batch + ": ONNX Runtime differs by " + diff);
        double spread = 0;
        for (float v : expected) spread = Math.max(spread, Math.abs(v - expected[0]));
        assertTrue(spread > 1e-3, "outputs that vary, not a constant: " + java.util.Arrays.toString(expected));
    }

    static float[] marquee(Sequential m, float[] x, int batch) {
        Function<Backend, Tensor> alloc = b -> {
            int[] in = m.inputShape();
            int[] s = new int[in.length + 1];
            s[0] = batch;
            System.arraycopy(in, 0, s, 1, in.length);
            return b.allocate(s);
        };
        try (Tensor t = alloc.apply(m.backend())) {
            m.backend().upload(t, x);
            return m.forward(t, false).toFloats();
        }
    }

    /** Every parameter, biases too, uniform in [-0.5, 0.5). */
    static Sequential randomized(Sequential m, long seed) {
        float[] p = uniform(Math.toIntExact(m.parameterCount()), seed);
        for (int i = 0; i < p.length; i++) p[i] *= 0.5f;
        m.backend().upload(m.parameters(), p);
        return m;
    }

    /** Uniform in [-1, 1). */
    static float[] uniform(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextDouble(-1, 1);
        return v;
    }
}
