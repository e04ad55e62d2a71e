package org.marquee.app.teach;

import java.util.ArrayList;
import java.util.List;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Conv2d;
import org.marquee.engine.nn.Layer;
import org.marquee.engine.nn.Sequential;

/**
 * Runs one poster through a model one layer at a time (inference: dropout is the identity) and
 * records what each layer produced. A listener sees every convolution's output, e.g. to draw its
 * feature maps.
 */
public final class ExplainRun {
    /** Receives each convolution's output (K, OH, OW) as soon as it is computed. */
    @FunctionalInterface
    public interface ConvListener {
        void onConvolution(Conv2d layer, double[] maps) throws Exception;
    }

    /** The per-layer records (input first) and the model's output for the poster, (classes). */
    public record Result(List<LayerStats> layers, double[] logits) {
        public Result {
            layers = List.copyOf(layers);
            logits = logits.clone();
        }

        @Override
        public double[] logits() { return logits.clone(); }
    }

    private ExplainRun() {}

    /** @param poster one poster, (C, H, W) values in [0, 1], as the model's input shape */
    public static Result run(Sequential model, double[] poster, ConvListener listener) throws Exception {
        Backend backend = model.backend();
        int[] in = model.inputShape();
        int[] batched = new int[in.length + 1];
        batched[0] = 1;
        System.arraycopy(in, 0, batched, 1, in.length);
        Tensor x = backend.allocate(batched);                       // (1, C, H, W)
        try {
            backend.upload(x, poster);
            List<LayerStats> stats = new ArrayList<>();
            stats.add(LayerStats.of("input", "Input", in, 0, poster, -1));
            Tensor h = x;
            for (Layer layer : model.layers()) {
                long t0 = System.nanoTime();
                h = layer.forward(h, false);
                backend.synchronize();
                long nanos = System.nanoTime() - t0;
                double[] values = h.toDoubles();
                stats.add(LayerStats.of(layer.name(), layer.type(), layer.outputShape(), layer.parameterCount(), values, nanos));
                if (layer instanceof Conv2d conv && listener != null) listener.onConvolution(conv, values);
            }
            return new Result(stats, h.toDoubles());
        } finally {
            x.storage().close();
        }
    }
}
