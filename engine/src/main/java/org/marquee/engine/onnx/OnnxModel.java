package org.marquee.engine.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * An exported model: the bytes of the ONNX file and what its graph takes and gives, for a caller
 * to report. Made by {@link OnnxExport}.
 */
public final class OnnxModel {
    /** A graph input or output: a float32 tensor; the batch dimension is the name "N", the others are sizes. */
    public record Value(String name, List<String> shape) {
        public Value {
            shape = List.copyOf(shape);
        }

        /** e.g. "input float32 (N, 3, 224, 224)". */
        @Override
        public String toString() { return name + " float32 (" + String.join(", ", shape) + ")"; }
    }

    private final byte[] bytes;
    private final Value input;
    private final List<Value> outputs;
    private final List<String> operators;

    OnnxModel(byte[] bytes, Value input, List<Value> outputs, List<String> operators) {
        this.bytes = bytes;
        this.input = input;
        this.outputs = List.copyOf(outputs);
        this.operators = List.copyOf(operators);
    }

    /** The ONNX file's content (a copy). */
    public byte[] bytes() { return bytes.clone(); }

    /** Writes the file's content to {@code out}. */
    public void writeTo(OutputStream out) throws IOException { out.write(bytes); }

    /** The file's size in bytes. */
    public int size() { return bytes.length; }

    public Value input() { return input; }

    /** The graph's outputs, in order. */
    public List<Value> outputs() { return outputs; }

    /** The graph's nodes' operator types in order, e.g. [Conv, Relu, MaxPool, Flatten, Gemm]. */
    public List<String> operators() { return operators; }

    /** The ONNX opset the graph's operators are taken from. */
    public int opset() { return OnnxExport.OPSET; }
}
