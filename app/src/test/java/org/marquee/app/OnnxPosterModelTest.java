package org.marquee.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.nn.Parameter;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.onnx.OnnxExport;
import org.marquee.engine.onnx.OnnxModel;
import org.marquee.engine.onnx.OnnxRuntimeRun;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * The poster model exported to ONNX runs in ONNX Runtime and gives the probabilities predict
 * computes (the sigmoid of Marquee's logits) and the logits, within 1e-4.
 */
class OnnxPosterModelTest {
    private static final double TOLERANCE = 1e-4;

    @Test
    void thePosterModelAt32PixelsOnBothBackends() throws OrtException {
        try (CpuBackend cpu = new CpuBackend(2)) {
            for (Backend b : List.of(cpu, new ReferenceBackend())) {
                try (Sequential m = withRandomBiases(PosterModel.build(b, 5, 32, 32, PosterModel.GENRES), 6)) {
                    OnnxModel onnx = OnnxExport.withSigmoid(m);
                    assertEquals(List.of("Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm",
                            "Relu", "Gemm", "Sigmoid"), onnx.operators());
                    assertEquals("input float32 (N, 3, 32, 32)", onnx.input().toString());
                    for (int batch : new int[] {2, 3}) assertMatches(m, onnx, batch, 40 + batch);
                }
            }
        }
    }

    @Test
    void theFullSizePosterModel() throws OrtException {
        try (CpuBackend cpu = new CpuBackend(2); Sequential m = withRandomBiases(PosterModel.build(cpu, 7), 8)) {
            OnnxModel onnx = OnnxExport.withSigmoid(m);
            assertTrue(onnx.size() > 4 * m.parameterCount(), "11,172,443 float32 parameters: " + onnx.size() + " bytes");
            assertEquals("[probabilities float32 (N, 27), logits float32 (N, 27)]", onnx.outputs().toString());
            assertMatches(m, onnx, 2, 9);
        }
    }

    private static void assertMatches(Sequential m, OnnxModel onnx, int batch, long seed) throws OrtException {
        int[] in = m.inputShape();
        float[] x = pixels(batch * in[0] * in[1] * in[2], seed);
        float[] logits;
        try (Tensor t = m.backend().allocate(batch, in[0], in[1], in[2])) {
            m.backend().upload(t, x);
            logits = m.forward(t, false).toFloats();
        }
        float[] probabilities = new float[logits.length];
        for (int i = 0; i < logits.length; i++) probabilities[i] = (float) (1 / (1 + Math.exp(-logits[i])));   // as predict does

        Map<String, OnnxRuntimeRun.Output> out = OnnxRuntimeRun.run(onnx.bytes(), x, batch, in[0], in[1], in[2]);
        assertArrayEquals(new long[] {batch, PosterModel.GENRES}, out.get("probabilities").shape());
        String where = m.backend().name() + ", " + in[1] + "x" + in[2] + ", batch " + batch;
        double dl = OnnxRuntimeRun.maxDifference(logits, out.get("logits").values());
        double dp = OnnxRuntimeRun.maxDifference(probabilities, out.get("probabilities").values());
        assertTrue(dl <= TOLERANCE, where + ": logits differ by " + dl);
        assertTrue(dp <= TOLERANCE, where + ": probabilities differ by " + dp);
        double min = 1, max = 0;
        for (float p : probabilities) { min = Math.min(min, p); max = Math.max(max, p); }
        assertTrue(max - min > 0.01, where + ": probabilities that vary, " + min + " to " + max);
    }

    /** The model's Glorot-initialized kernels, with biases uniform in [-0.2, 0.2) instead of zero. */
    private static Sequential withRandomBiases(Sequential m, long seed) {
        float[] all = m.parameters().toFloats();
        SplittableRandom r = new SplittableRandom(seed);
        for (Parameter p : m.namedParameters()) {
            if (!p.name().endsWith("/bias")) continue;
            int start = Math.toIntExact(p.value().offset() - m.parameters().offset());
            for (int i = 0; i < p.value().size(); i++) all[start + i] = (float) r.nextDouble(-0.2, 0.2);
        }
        m.backend().upload(m.parameters(), all);
        return m;
    }

    /** Pixel values, uniform in [0, 1). */
    private static float[] pixels(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextDouble();
        return v;
    }
}
