package org.marquee.app.teach;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.marquee.app.PosterModel;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.Shapes;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Conv2d;
import org.marquee.engine.nn.Dense;
import org.marquee.engine.nn.Layer;
import org.marquee.engine.nn.Parameter;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * Figures about the whole poster model: its summary, where its parameters and arithmetic are,
 * what flows backward, and one untrained forward pass of a synthetic poster (the explain table and
 * the loss at initialization). The forward pass runs once, on the reference backend.
 */
final class ModelFigures {
    static final long MODEL_SEED = 1, DATA_SEED = 42;
    static final int POSTER = 0;

    private ExplainRun.Result forward;
    private double[] labels;
    private Sequential model;      // the full poster model, built once for the figures that only read it

    /** The full poster model on the reference backend, built on first use. */
    private synchronized Sequential model() {
        if (model == null) model = PosterModel.build(new ReferenceBackend(), MODEL_SEED);
        return model;
    }

    String summary() {
        return model().summary();
    }

    long parameterCount() {
        return model().parameterCount();
    }

    /** Each parameter tensor's shape and size, layer by layer. */
    String parameterTable() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-17s %-18s %12s%n", "tensor", "shape", "values"));
        for (Parameter p : model().namedParameters()) {
            sb.append(String.format(Locale.ROOT, "%-17s %-18s %,12d%n", p.name(), Text.shape(p.value().shape()), p.value().size()));
        }
        return sb.append(String.format(Locale.ROOT, "%-36s %,12d%n", "total", model().parameterCount())).toString();
    }

    /** The first dense layer's (dense_1's) share of all parameters, e.g. "99.1%". */
    String denseShare() {
        long dense = model().layers().stream().filter(l -> l instanceof Dense).findFirst().map(Layer::parameterCount)
                .orElseThrow(() -> new IllegalStateException("the poster model has no dense layer"));
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * dense / model().parameterCount());
    }

    /** Every convolution and dense layer as the GEMM it runs per poster, with its forward arithmetic. */
    String gemmTable() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-9s %-15s %-22s %-18s %8s%n",
                "layer", "input", "cols (C*KH*KW, OH*OW)", "GEMM M x N x K", "MFLOP"));
        double total = 0;
        for (Layer l : model().layers()) {
            long m, n, k;
            String cols;
            if (l instanceof Conv2d c) {
                ConvGeometry g = c.geometry();
                m = g.k(); n = g.positions(); k = g.patch();
                cols = Text.shape(g.patch(), g.positions());
            } else if (l instanceof Dense d) {
                m = 1; n = d.outputShape()[0]; k = d.inputShape()[0];
                cols = "-";
            } else {
                continue;
            }
            double mflop = 2.0 * m * n * k / 1e6;
            total += mflop;
            sb.append(String.format(Locale.ROOT, "%-9s %-15s %-22s %-18s %8.1f%n", l.name(), Text.shape(l.inputShape()), cols,
                    m + " x " + n + " x " + k, mflop));
        }
        return sb.append(String.format(Locale.ROOT, "%-66s %8.1f%n", "total (one multiply-add = 2 FLOP)", total)).toString();
    }

    /**
     * The backward pass layer by layer, last layer first: the gradient each receives and returns,
     * and the parameter gradients it adds to. Which layers return nothing is observed by running
     * backward through a small model with the same layers.
     */
    String backwardTable() {
        ReferenceBackend ref = new ReferenceBackend();
        List<Boolean> returns = new ArrayList<>();
        try (Sequential small = PosterModel.build(ref, MODEL_SEED, 30, 30, PosterModel.GENRES)) {
            Tensor x = ref.allocate(1, 3, 30, 30);
            ref.fill(x, 0.5);
            Tensor h = x;
            for (Layer l : small.layers()) h = l.forward(h, true);
            Tensor d = ref.allocate(h.shape());
            ref.fill(d, 1);
            List<Layer> layers = small.layers();
            for (int i = layers.size() - 1; i >= 0; i--) {
                d = layers.get(i).backward(d);
                returns.add(0, d != null);
                if (d == null) break;
            }
            while (returns.size() < layers.size()) returns.add(0, false);
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-17s %-17s %-17s %s%n",
                "layer", "receives dL/dy", "returns dL/dx", "adds gradients into"));
        List<Layer> layers = model().layers();
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer l = layers.get(i);
            String adds = l.parameterCount() == 0 ? "-" : l.name() + "/kernel, " + l.name() + "/bias";
            sb.append(String.format(Locale.ROOT, "%-17s %-17s %-17s %s%n", l.name(), Shapes.format(l.outputShape(), false),
                    returns.get(i) ? Shapes.format(l.inputShape(), false) : "nothing", adds));
        }
        return sb.toString();
    }

    /** The untrained model on synthetic poster 0, layer by layer, run once and kept. */
    synchronized ExplainRun.Result forward() {
        if (forward == null) {
            PosterInput poster = PosterInput.synthetic(POSTER, PosterModel.HEIGHT, DATA_SEED);
            try {
                forward = ExplainRun.run(model(), poster.pixels(), null);
            } catch (Exception e) {
                throw new IllegalStateException("forward pass for the guide failed: " + e.getMessage(), e);
            }
            labels = poster.labels(org.marquee.dataset.SyntheticPosters.GENRES);
        }
        return forward;
    }

    String explainTable() {
        return ExplainReport.table(forward().layers(), false);
    }

    /** The loss of the untrained model on its poster, 4 decimals. */
    String initialLoss() {
        ExplainRun.Result r = forward();
        return String.format(Locale.ROOT, "%.4f", Predictions.loss(r.logits(), labels));
    }

    /** The largest |logit| of the untrained model on its poster, 4 decimals. */
    String largestLogit() {
        double max = Arrays.stream(forward().logits()).map(Math::abs).max().orElse(0);
        return String.format(Locale.ROOT, "%.4f", max);
    }

    /** The share of zeros after the ReLU of layer {@code name}, e.g. "65.5%". */
    String zeroShare(String name) {
        return forward().layers().stream().filter(s -> s.name().equals(name)).findFirst()
                .map(s -> String.format(Locale.ROOT, "%.1f%%", 100 * s.zeroFraction()))
                .orElseThrow(() -> new IllegalArgumentException("no layer " + name));
    }
}
