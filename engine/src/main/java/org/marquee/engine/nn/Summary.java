package org.marquee.engine.nn;

import java.util.List;
import org.marquee.engine.Shapes;

/**
 * Prints a model as Keras' {@code model.summary()} does: one row per layer with its output shape
 * (batch as None, channel-first as this engine stores it) and parameter count, then the totals.
 * Keras shows an activation given to Conv2D/Dense inside that layer's row, so a ReLU that follows a
 * Conv2D or Dense is folded into that row's type ("conv2d_1 (Conv2D+ReLU)") and the parameter rows
 * match the Keras table line for line.
 */
final class Summary {
    private static final int NAME = 34, SHAPE = 26, PARAMS = 13;
    private static final int WIDTH = NAME + SHAPE + PARAMS;

    private Summary() {}

    static String of(Sequential model) {
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"sequential\" on ").append(model.backend().name()).append('\n');
        sb.append("_".repeat(WIDTH)).append('\n');
        row(sb, "Layer (type)", "Output Shape", "Param #");
        sb.append("=".repeat(WIDTH)).append('\n');
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            String type = layer.type();
            int[] shape = layer.outputShape();
            boolean foldRelu = (layer instanceof Conv2d || layer instanceof Dense)
                    && i + 1 < layers.size() && layers.get(i + 1) instanceof ReLU;
            if (foldRelu) {
                type += "+ReLU";
                i++;
            }
            if (sb.charAt(sb.length() - 2) != '=') sb.append("_".repeat(WIDTH)).append('\n');
            row(sb, layer.name() + " (" + type + ")", Shapes.format(shape, true), String.format("%,d", layer.parameterCount()));
        }
        sb.append("=".repeat(WIDTH)).append('\n');
        sb.append(String.format("Total params: %,d%n", model.parameterCount()));
        sb.append(String.format("Trainable params: %,d%n", model.parameterCount()));
        sb.append("Non-trainable params: 0\n");
        sb.append("_".repeat(WIDTH)).append('\n');
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, String shape, String params) {
        sb.append(pad(name, NAME)).append(pad(shape, SHAPE)).append(params).append('\n');
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
