package org.marquee.engine.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * The ONNX messages an exported {@link org.marquee.engine.nn.Sequential} needs, each with only the
 * fields it uses. Field numbers are those of onnx/onnx.proto (github.com/onnx/onnx, the file that
 * defines the format); a message's comment lists them as "name = number".
 */
final class OnnxMessages {
    /** TensorProto.DataType FLOAT = 1; also TypeProto.Tensor's elem_type. */
    static final int FLOAT = 1;

    /** AttributeProto.AttributeType: FLOAT = 1, INT = 2, INTS = 7. */
    private static final int ATTRIBUTE_FLOAT = 1, ATTRIBUTE_INT = 2, ATTRIBUTE_INTS = 7;

    private OnnxMessages() {}

    /**
     * ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8, metadata_props = 14.
     * OperatorSetIdProto: domain = 1 (empty: the default "ai.onnx" operators, so left out), version = 2.
     * StringStringEntryProto: key = 1, value = 2.
     */
    static byte[] model(long irVersion, String producer, long opset, ProtoWriter graph, Map<String, String> metadata) {
        ProtoWriter m = new ProtoWriter()
                .int64(1, irVersion)
                .string(2, producer)
                .message(7, graph)
                .message(8, new ProtoWriter().int64(2, opset));
        metadata.forEach((key, value) -> m.message(14, new ProtoWriter().string(1, key).string(2, value)));
        return m.toByteArray();
    }

    /** GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12. */
    static ProtoWriter graph(String name, List<ProtoWriter> nodes, List<ProtoWriter> initializers,
                             List<ProtoWriter> inputs, List<ProtoWriter> outputs) {
        ProtoWriter g = new ProtoWriter();
        for (ProtoWriter n : nodes) g.message(1, n);
        g.string(2, name);
        for (ProtoWriter t : initializers) g.message(5, t);
        for (ProtoWriter v : inputs) g.message(11, v);
        for (ProtoWriter v : outputs) g.message(12, v);
        return g;
    }

    /** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5. */
    static ProtoWriter node(String name, String opType, List<String> inputs, List<String> outputs, List<ProtoWriter> attributes) {
        ProtoWriter n = new ProtoWriter();
        for (String i : inputs) n.string(1, i);
        for (String o : outputs) n.string(2, o);
        n.string(3, name).string(4, opType);
        for (ProtoWriter a : attributes) n.message(5, a);
        return n;
    }

    /** AttributeProto: name = 1, f = 2, i = 3, ints = 8, type = 20. */
    static ProtoWriter intAttribute(String name, long value) {
        return new ProtoWriter().string(1, name).int64(3, value).int64(20, ATTRIBUTE_INT);
    }

    static ProtoWriter intsAttribute(String name, long... values) {
        return new ProtoWriter().string(1, name).int64s(8, values).int64(20, ATTRIBUTE_INTS);
    }

    static ProtoWriter floatAttribute(String name, float value) {
        return new ProtoWriter().string(1, name).float32(2, value).int64(20, ATTRIBUTE_FLOAT);
    }

    /**
     * TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9. The raw data is the values in
     * row-major order, each a float32 in little-endian byte order, as the format prescribes.
     */
    static ProtoWriter floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return new ProtoWriter().int64s(1, dims).int64(2, FLOAT).string(8, name).bytes(9, raw.array());
    }

    /**
     * ValueInfoProto (name = 1, type = 2) of a float tensor. TypeProto: tensor_type = 1.
     * TypeProto.Tensor: elem_type = 1, shape = 2. TensorShapeProto: dim = 1.
     * TensorShapeProto.Dimension: dim_value = 1 (a size), dim_param = 2 (a name, e.g. the batch "N").
     */
    static ProtoWriter floatValue(String name, List<String> shape) {
        ProtoWriter dims = new ProtoWriter();
        for (String d : shape) {
            ProtoWriter dim = isSize(d) ? new ProtoWriter().int64(1, Long.parseLong(d)) : new ProtoWriter().string(2, d);
            dims.message(1, dim);
        }
        ProtoWriter tensor = new ProtoWriter().int64(1, FLOAT).message(2, dims);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor));
    }

    private static boolean isSize(String dim) {
        return !dim.isEmpty() && dim.chars().allMatch(Character::isDigit);
    }
}
