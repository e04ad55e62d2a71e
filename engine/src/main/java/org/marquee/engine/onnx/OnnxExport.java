package org.marquee.engine.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Conv2d;
import org.marquee.engine.nn.ConvBlock;
import org.marquee.engine.nn.Dense;
import org.marquee.engine.nn.Dropout;
import org.marquee.engine.nn.Flatten;
import org.marquee.engine.nn.Layer;
import org.marquee.engine.nn.MaxPool2d;
import org.marquee.engine.nn.Parameter;
import org.marquee.engine.nn.ReLU;
import org.marquee.engine.nn.Sigmoid;
import org.marquee.engine.nn.Sequential;

/**
 * A {@link Sequential} model as an ONNX graph (opset 13), for inference in any ONNX runtime. The
 * layers map to operators one to one, the parameters become the graph's initializers under their
 * Marquee names ("conv2d_1/kernel", ...), in float32:
 *
 * <pre>
 *   Conv2D        Conv      kernel (K, C, KH, KW) as Marquee keeps it; pads, strides, kernel_shape
 *                           from the layer (symmetric padding, floor: the same output size)
 *   ReLU          Relu
 *   MaxPooling2D  MaxPool   2x2, stride 2, no padding, ceil_mode 0: a trailing odd row or column
 *                           is dropped, as Keras' "valid" pooling does
 *   Dropout       (none)    the identity at inference
 *   Flatten       Flatten   axis 1: both flatten (C, H, W) row-major, so the Dense kernel's rows
 *                           need no reordering
 *   Dense         Gemm      Y = X · W + b with W (in, out) as Marquee keeps it (transB 0)
 *   Sigmoid       Sigmoid
 * </pre>
 * A {@link ConvBlock} is exported as its three layers, which {@link Sequential#layers()} lists in its
 * place. The input is "input", (N, inputShape...)
 * with a symbolic batch size N. Any other layer type is refused with an exception naming it.
 * The same model always gives the same bytes.
 */
public final class OnnxExport {
    /** ONNX operator set 13 and IR version 7, as released together in ONNX 1.8. */
    public static final int OPSET = 13;
    /** The ONNX IR version of the files written (7, which opset 13 needs). */
    public static final int IR_VERSION = 7;
    /** The producer name recorded in every file. */
    public static final String PRODUCER = "marquee";
    /** The name of the graph's input, (N, input shape...). */
    public static final String INPUT = "input";
    /** The graph output of {@link #of}: the last layer's output. */
    public static final String OUTPUT = "output";
    /** The graph outputs of {@link #withSigmoid}. */
    public static final String PROBABILITIES = "probabilities", LOGITS = "logits";
    private static final String BATCH = "N";

    private OnnxExport() {}

    /**
     * The model as it is: one output, "output", what {@link Sequential#forward} returns at inference.
     *
     * @param model the model to export
     * @return the ONNX model
     */
    public static OnnxModel of(Sequential model) {
        return export(model, false, Map.of());
    }

    /**
     * For a model whose last layer gives logits (trained with a fused sigmoid cross-entropy, like the
     * poster model): a Sigmoid is appended, and the graph has two outputs, "probabilities" (the
     * sigmoid of the logits) and "logits" (the model's own output).
     *
     * @param model the model to export, ending in logits
     * @return the ONNX model with two outputs
     */
    public static OnnxModel withSigmoid(Sequential model) {
        return export(model, true, Map.of());
    }

    /**
     * {@link #withSigmoid} when {@code sigmoid}, else {@link #of}; {@code metadata} goes into the
     * model's metadata_props (ONNX Runtime: {@code OrtSession.getMetadata().getCustomMetadata()}),
     * sorted by key so that the same content always gives the same bytes.
     *
     * @param model the model to export
     * @param sigmoid whether to append a Sigmoid (the model ends in logits)
     * @param metadata key-value pairs stored in the file
     * @return the ONNX model
     */
    public static OnnxModel export(Sequential model, boolean sigmoid, Map<String, String> metadata) {
        List<Layer> layers = model.layers();
        if (sigmoid && !layers.isEmpty() && layers.get(layers.size() - 1) instanceof Sigmoid last) {
            throw new IllegalArgumentException("the model ends in a sigmoid already (" + last.name() + "), so its output is"
                    + " probabilities: export it as it is rather than with another sigmoid");
        }
        List<String> exported = new ArrayList<>();
        OnnxModel onnx = export("sequential", model.inputShape(), layers, sigmoid, new TreeMap<>(metadata), exported);
        List<String> parameters = model.namedParameters().stream().map(Parameter::name).toList();
        if (!new HashSet<>(exported).equals(new HashSet<>(parameters))) {
            throw new IllegalStateException("the ONNX graph's initializers " + exported + " are not the model's parameters " + parameters);
        }
        return onnx;
    }

    /**
     * Exports {@code layers} run in order on inputs of shape {@code inputShape} (per example);
     * {@code parameters} receives the initializers' names, to check against the model's.
     */
    static OnnxModel export(String graphName, int[] inputShape, List<Layer> layers, boolean sigmoid, Map<String, String> metadata,
                            List<String> parameters) {
        Graph g = new Graph();
        String current = INPUT;
        for (Layer layer : layers) current = g.add(layer, current);
        String last = sigmoid ? LOGITS : OUTPUT;
        g.rename(current, last);
        List<String> outShape = layers.isEmpty() ? shape(inputShape) : shape(layers.get(layers.size() - 1).outputShape());
        List<OnnxModel.Value> outputs = new ArrayList<>();
        if (sigmoid) {
            g.node(PROBABILITIES, "Sigmoid", List.of(LOGITS), PROBABILITIES, List.of());
            outputs.add(new OnnxModel.Value(PROBABILITIES, outShape));
        }
        outputs.add(new OnnxModel.Value(last, outShape));
        OnnxModel.Value input = new OnnxModel.Value(INPUT, shape(inputShape));

        List<ProtoWriter> nodes = new ArrayList<>();
        List<String> operators = new ArrayList<>();
        for (Node n : g.nodes) {
            nodes.add(OnnxMessages.node(n.name, n.op, n.inputs, List.of(n.output), n.attributes));
            operators.add(n.op);
        }
        List<ProtoWriter> initializers = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : g.initializers.entrySet()) {
            Tensor t = e.getValue();
            initializers.add(OnnxMessages.floatTensor(e.getKey(), Arrays.stream(t.shape()).asLongStream().toArray(), t.toFloats()));
            parameters.add(e.getKey());
        }
        ProtoWriter graph = OnnxMessages.graph(graphName, nodes, initializers,
                List.of(OnnxMessages.floatValue(input.name(), input.shape())),
                outputs.stream().map(v -> OnnxMessages.floatValue(v.name(), v.shape())).toList());
        byte[] bytes = OnnxMessages.model(IR_VERSION, PRODUCER, OPSET, graph, metadata);
        return new OnnxModel(bytes, input, outputs, operators);
    }

    /** ("N", "3", "224", "224") for per-example shape (3, 224, 224). */
    private static List<String> shape(int[] perExample) {
        List<String> s = new ArrayList<>();
        s.add(BATCH);
        for (int d : perExample) s.add(Integer.toString(d));
        return s;
    }

    private record Node(String name, String op, List<String> inputs, String output, List<ProtoWriter> attributes) {}

    /** The nodes and initializers so far; each node's output is named after its layer. */
    private static final class Graph {
        final List<Node> nodes = new ArrayList<>();
        final Map<String, Tensor> initializers = new LinkedHashMap<>();

        /** Adds the nodes for {@code layer} applied to the value {@code in}, and returns the name of its output. */
        String add(Layer layer, String in) {
            String name = layer.name();
            if (layer instanceof Conv2d c) {
                ConvGeometry geo = c.geometry();
                String kernel = parameter(name + "/kernel", c.weights()), bias = parameter(name + "/bias", c.bias());
                return node(name, "Conv", List.of(in, kernel, bias), name, List.of(
                        OnnxMessages.intsAttribute("kernel_shape", geo.kh(), geo.kw()),
                        OnnxMessages.intsAttribute("strides", geo.stride(), geo.stride()),
                        // begin and end of each spatial axis: (top, left, bottom, right)
                        OnnxMessages.intsAttribute("pads", geo.pad(), geo.pad(), geo.pad(), geo.pad()),
                        OnnxMessages.intsAttribute("dilations", 1, 1),
                        OnnxMessages.intAttribute("group", 1)));
            } else if (layer instanceof ReLU) {
                return node(name, "Relu", List.of(in), name, List.of());
            } else if (layer instanceof MaxPool2d) {
                return node(name, "MaxPool", List.of(in), name, List.of(
                        OnnxMessages.intsAttribute("kernel_shape", 2, 2),
                        OnnxMessages.intsAttribute("strides", 2, 2),
                        OnnxMessages.intsAttribute("pads", 0, 0, 0, 0),
                        OnnxMessages.intAttribute("ceil_mode", 0)));
            } else if (layer instanceof Dropout) {
                return in;                                   // inference: the identity
            } else if (layer instanceof Flatten) {
                return node(name, "Flatten", List.of(in), name, List.of(OnnxMessages.intAttribute("axis", 1)));
            } else if (layer instanceof Dense d) {
                String kernel = parameter(name + "/kernel", d.weights()), bias = parameter(name + "/bias", d.bias());
                return node(name, "Gemm", List.of(in, kernel, bias), name, List.of(
                        OnnxMessages.floatAttribute("alpha", 1f),
                        OnnxMessages.floatAttribute("beta", 1f),
                        OnnxMessages.intAttribute("transA", 0),
                        OnnxMessages.intAttribute("transB", 0)));
            } else if (layer instanceof Sigmoid) {
                return node(name, "Sigmoid", List.of(in), name, List.of());
            }
            throw new IllegalArgumentException("cannot export layer " + name + " (" + layer.type() + ", "
                    + layer.getClass().getName() + ") to ONNX: only Conv2D, ReLU, MaxPooling2D, Dropout, Flatten, Dense and"
                    + " Sigmoid layers (and ConvBlocks of them) have an ONNX operator here");
        }

        String node(String name, String op, List<String> inputs, String output, List<ProtoWriter> attributes) {
            nodes.add(new Node(name, op, inputs, output, attributes));
            return output;
        }

        String parameter(String name, Tensor value) {
            if (initializers.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("two parameters are named " + name);
            }
            return name;
        }

        /**
         * Gives the value {@code from} the graph output's name {@code to}. When no node made it (no
         * layers, or only dropouts), an Identity node copies the input to it.
         */
        void rename(String from, String to) {
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node n = nodes.get(i);
                if (n.output.equals(from)) {
                    nodes.set(i, new Node(n.name, n.op, n.inputs, to, n.attributes));
                    return;
                }
            }
            node("identity", "Identity", List.of(from), to, List.of());
        }
    }
}
