package org.marquee.app.teach;

import java.util.ArrayList;
import java.util.List;
import org.marquee.engine.Backend;
import org.marquee.engine.Shapes;
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

    private static long median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** One forward pass, timed once. @param poster one poster, (C, H, W) values in [0, 1] */
    public static Result run(Sequential model, double[] poster, ConvListener listener) throws Exception {
        return run(model, poster, listener, 1);
    }

    /**
     * {@code repeats} forward passes of the same poster; each layer's time is the median over them
     * (the first pass includes the JIT's warm-up). The listener sees the last pass.
     */
    public static Result run(Sequential model, double[] poster, ConvListener listener, int repeats) throws Exception {
        if (repeats < 1) throw new IllegalArgumentException("repeats must be >= 1: " + repeats);
        Backend backend = model.backend();
        int[] in = model.inputShape();
        Tensor x = backend.allocate(Shapes.withBatch(1, in));       // (1, C, H, W)
        try {
            backend.upload(x, poster);
            // every layer on its own, a ConvBlock as its three parts: each one's output and time,
            // the convolutions' before their ReLU
            List<Layer> layers = model.layers();
            long[][] nanos = new long[layers.size()][repeats];
            for (int r = 0; r < repeats - 1; r++) {
                Tensor h = x;
                for (int i = 0; i < layers.size(); i++) {
                    long t0 = System.nanoTime();
                    h = layers.get(i).forward(h, false);
                    backend.synchronize();
                    nanos[i][r] = System.nanoTime() - t0;
                }
            }
            List<LayerStats> stats = new ArrayList<>();
            stats.add(LayerStats.of("input", "Input", in, 0, poster, -1));
            Tensor h = x;
            for (int i = 0; i < layers.size(); i++) {
                Layer layer = layers.get(i);
                long t0 = System.nanoTime();
                h = layer.forward(h, false);
                backend.synchronize();
                nanos[i][repeats - 1] = System.nanoTime() - t0;
                double[] values = h.toDoubles();
                stats.add(LayerStats.of(layer.name(), layer.type(), layer.outputShape(), layer.parameterCount(), values,
                        median(nanos[i])));
                if (layer instanceof Conv2d conv && listener != null) listener.onConvolution(conv, values);
            }
            return new Result(stats, h.toDoubles());
        } finally {
            x.close();
        }
    }
}
