package org.marquee.engine.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs an ONNX model in ONNX Runtime on one float32 input; for the tests that check exported files. */
public final class OnnxRuntimeRun {
    /** One output: its values (row-major) and its shape. */
    public record Output(float[] values, long[] shape) {}

    private OnnxRuntimeRun() {}

    /** The outputs, by name in the graph's order, of the model given {@code x} of {@code shape} as its only input. */
    public static Map<String, Output> run(byte[] model, float[] x, long... shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options);
                 OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                 OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), input))) {
                Map<String, Output> outputs = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    FloatBuffer b = t.getFloatBuffer();
                    float[] v = new float[b.remaining()];
                    b.get(v);
                    outputs.put(e.getKey(), new Output(v, t.getInfo().getShape()));
                }
                return outputs;
            }
        }
    }

    /** The declared inputs and outputs, name to shape (-1 for the symbolic batch size), inputs first. */
    public static Map<String, long[]> signature(byte[] model) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
            Map<String, long[]> s = new LinkedHashMap<>();
            for (Map<String, NodeInfo> infos : java.util.List.of(session.getInputInfo(), session.getOutputInfo())) {
                for (NodeInfo info : infos.values()) s.put(info.getName(), ((TensorInfo) info.getInfo()).getShape());
            }
            return s;
        }
    }

    /** The model's metadata_props. */
    public static Map<String, String> metadata(byte[] model) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
            return session.getMetadata().getCustomMetadata();
        }
    }

    /** The largest |a[i] - b[i]|; the arrays must have the same length. */
    public static double maxDifference(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths differ: " + a.length + " and " + b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs((double) a[i] - b[i]));
        return max;
    }

    public static String describe(long[] shape) { return Arrays.toString(shape); }
}
