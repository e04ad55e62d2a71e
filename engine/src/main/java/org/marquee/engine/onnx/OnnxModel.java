package org.marquee.engine.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * An exported model: the bytes of the ONNX file and what its graph takes and gives, for a caller
 * to report. Made by {@link OnnxExport}.
 */
public final class OnnxModel {
    /**
     * A graph input or output: a float32 tensor; the batch dimension is the name "N", the others are sizes.
     *
     * @param name  the value's name in the graph
     * @param shape its dimensions, "N" for the batch
     */
    public record Value(String name, List<String> shape) {
        /**
         * Copies the shape.
         *
         * @param name the value's name in the graph
         * @param shape its dimensions: "N" for the batch, sizes for the others
         */
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

    /**
     * The ONNX file's content (a copy).
     *
     * @return the bytes
     */
    public byte[] bytes() { return bytes.clone(); }

    /**
     * Writes the file's content to {@code out}.
     *
     * @param out the stream written to
     * @throws IOException when the stream fails
     */
    public void writeTo(OutputStream out) throws IOException { out.write(bytes); }

    /**
     * The file's size in bytes.
     *
     * @return the size
     */
    public int size() { return bytes.length; }

    /**
     * The graph's input, {@link OnnxExport#INPUT}, (N, input shape...).
     *
     * @return the input
     */
    public Value input() { return input; }

    /**
     * The graph's outputs, in order.
     *
     * @return the outputs
     */
    public List<Value> outputs() { return outputs; }

    /**
     * The graph's nodes' operator types in order, e.g. [Conv, Relu, MaxPool, Flatten, Gemm].
     *
     * @return the operator types
     */
    public List<String> operators() { return operators; }

    /**
     * The ONNX opset the graph's operators are taken from.
     *
     * @return the opset version
     */
    public int opset() { return OnnxExport.OPSET; }
}
