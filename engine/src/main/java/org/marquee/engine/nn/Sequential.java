package org.marquee.engine.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.marquee.engine.Backend;
import org.marquee.engine.Shapes;
import org.marquee.engine.Tensor;

/**
 * A stack of layers run in order, with all parameters in ONE contiguous block (and all gradients
 * in ONE block of the same layout), so zeroing gradients and the optimizer step are single
 * operations. Built with {@link #builder}; shapes are per example and channel-first.
 *
 * <pre>
 *   Sequential model = Sequential.builder(backend, 3, 32, 32)
 *       .conv2d(16, 3).relu().maxPool2x2().dropout(0.25)
 *       .flatten().dense(10)
 *       .build(seed);
 * </pre>
 */
public final class Sequential implements AutoCloseable {
    private final Backend backend;
    private final int[] inputShape;
    private final List<Layer> layers;
    private boolean fusion;
    private final ParameterBlock block;
    private final Buffers buffers;
    private long dropoutSeed;
    private long step;
    private Tensor inputGradient;     // (N, inputShape...) after backward, when requested

    private Sequential(Backend backend, int[] inputShape, List<Layer> layers, ParameterBlock block, Buffers buffers,
                       long seed) {
        this.backend = backend;
        this.inputShape = inputShape;
        this.layers = List.copyOf(layers);
        this.block = block;
        this.buffers = buffers;
        setDropoutSeed(seed);
    }

    /** Starts a model whose examples have shape {@code inputShape}, e.g. (3, 224, 224). */
    public static Builder builder(Backend backend, int... inputShape) {
        return new Builder(backend, inputShape);
    }

    public List<Layer> layers() { return layers; }

    /**
     * Whether each Conv2D followed by an in-place ReLU applies that ReLU as it writes its output,
     * and one followed (after that ReLU, if any) by a 2x2 max pooling pools its output while it is
     * still in cache (on after {@link Builder#build}): passes over the activations fewer, the same
     * results. Off, every layer computes its own output, e.g. to inspect a convolution's values
     * before the ReLU.
     */
    public void setFusion(boolean on) {
        for (int i = 0; i < layers.size(); i++) {
            if (!(layers.get(i) instanceof Conv2d conv)) continue;
            int next = i + 1;
            ReLU fused = null;
            if (next < layers.size() && layers.get(next) instanceof ReLU relu && relu.inPlace()) {
                if (!on) relu.markMasked(false);
                conv.fuseRelu(on);
                relu.markApplied(on);
                fused = relu;
                next++;
            }
            if (next < layers.size() && layers.get(next) instanceof MaxPool2d pool) {
                conv.fusePool(fused, on ? pool : null);
                pool.maskRelu(on && fused != null);
                if (fused != null) fused.markMasked(on);
            }
        }
        fusion = on;
    }

    /** See {@link #setFusion}. */
    public boolean fusion() { return fusion; }
    public Backend backend() { return backend; }
    public int[] inputShape() { return inputShape.clone(); }
    public int[] outputShape() { return layers.isEmpty() ? inputShape.clone() : layers.get(layers.size() - 1).outputShape(); }
    public long parameterCount() { return block.size(); }

    /** All parameters, (P); layers hold views into it. */
    public Tensor parameters() { return block.params(); }

    /** All parameter gradients, (P), in the layout of {@link #parameters()}. */
    public Tensor gradients() { return block.grads(); }

    /** Every parameter tensor with its gradient, in block order ("conv2d_1/kernel", "conv2d_1/bias", ...). */
    public List<Parameter> namedParameters() {
        return block.slots().stream().map(ParameterBlock.Slot::parameter).toList();
    }

    public void zeroGradients() { backend.fill(block.grads(), 0); }

    /** (N, inputShape...) to the last layer's output (N, outputShape...), logits for the poster model. */
    public Tensor forward(Tensor x, boolean training) {
        LayerChecks.batchOf("model input", "input", x, inputShape);
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof Conv2d conv && conv.pooledLayers() > 0) {
                h = conv.forwardPooled(h);          // this layer, its ReLU and the pooling after them
                i += conv.pooledLayers();
            } else {
                h = layers.get(i).forward(h, training);
            }
        }
        return h;
    }

    /** Backpropagates dL/dlogits through the layers in reverse order, adding into {@link #gradients()}. */
    public void backward(Tensor dLogits) {
        LayerChecks.batchOf("model output", "output gradient", dLogits, outputShape());
        Tensor d = dLogits;
        for (int i = layers.size() - 1; i >= 0 && d != null; i--) {
            if (layers.get(i) instanceof MaxPool2d pool && pool.pooledBy() != null) {
                Conv2d conv = pool.pooledBy();
                d = conv.backwardPooled(d);         // the pooling, its ReLU and the Conv2D before them
                i -= conv.pooledLayers();
            } else {
                d = layers.get(i).backward(d);
            }
        }
        inputGradient = d;
    }

    /**
     * dL/dx of the last backward, (N, inputShape...), or null unless the model was built with
     * {@link Builder#withInputGradient()} (a model normally computes no image gradient).
     */
    public Tensor inputGradient() { return inputGradient; }

    /** Dropout layer i draws its mask from DropoutHash(seed + i, step, element). */
    public void setDropoutSeed(long seed) {
        this.dropoutSeed = seed;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof Dropout d) d.setSeed(seed + i);
        }
    }

    /** The training step counter that selects the dropout masks. */
    public void setStep(long step) {
        this.step = step;
        for (Layer layer : layers) {
            if (layer instanceof Dropout d) d.setStep(step);
        }
    }

    public long dropoutSeed() { return dropoutSeed; }
    public long step() { return step; }

    /** Keras-style table of layers, output shapes and parameter counts. */
    public String summary() { return Summary.of(this); }

    /** Releases the parameter, gradient and activation buffers. */
    @Override
    public void close() {
        buffers.close();
        if (block.params() != null) {
            block.params().storage().close();
            block.grads().storage().close();
        }
    }

    /** Adds layers one by one, checking each one's input shape; {@link #build} allocates. */
    public static final class Builder {
        private interface Factory { Layer create(LayerContext ctx, String name, int[] inputShape); }

        private record Step(String prefix, Factory factory) {}

        private final Backend backend;
        private final int[] inputShape;
        private final List<Step> steps = new ArrayList<>();
        private boolean inputGradient;

        private Builder(Backend backend, int[] inputShape) {
            if (backend == null) throw new IllegalArgumentException("backend must not be null");
            Shapes.size(inputShape);   // rejects empty or non-positive dimensions
            if (inputShape.length == 0) throw new IllegalArgumentException("input shape must not be empty");
            this.backend = backend;
            this.inputShape = inputShape.clone();
        }

        /** Conv2D with a square kernel, stride 1 and no padding ("valid", as in Keras). */
        public Builder conv2d(int filters, int kernel) { return conv2d(filters, kernel, kernel, 1, 0); }

        public Builder conv2d(int filters, int kh, int kw, int stride, int pad) {
            return add("conv2d", (ctx, name, in) -> new Conv2d(ctx, name, in, filters, kh, kw, stride, pad));
        }

        public Builder relu() { return add("re_lu", ReLU::new); }
        public Builder maxPool2x2() { return add("max_pooling2d", MaxPool2d::new); }
        public Builder dropout(double rate) { return add("dropout", (ctx, name, in) -> new Dropout(ctx, name, in, rate)); }
        public Builder flatten() { return add("flatten", Flatten::new); }
        public Builder dense(int units) { return add("dense", (ctx, name, in) -> new Dense(ctx, name, in, units)); }

        /** Inference only: maps logits to probabilities; it has no backward pass. */
        public Builder sigmoid() { return add("activation", Sigmoid::new); }

        /** Also computes dL/dx at the first layer ({@link Sequential#inputGradient()}); for gradient checks. */
        public Builder withInputGradient() {
            inputGradient = true;
            return this;
        }

        private Builder add(String prefix, Factory factory) {
            steps.add(new Step(prefix, factory));
            return this;
        }

        /**
         * Creates the layers (each checks its input shape; an error names the layer, the expected
         * and the actual shape), then allocates the parameter and gradient blocks and initializes
         * kernels Glorot-uniform from {@code seed}. The seed also becomes the dropout seed.
         */
        public Sequential build(long seed) {
            ParameterBlock block = new ParameterBlock();
            Buffers buffers = new Buffers(backend);
            Map<String, Integer> counts = new HashMap<>();
            List<Layer> layers = new ArrayList<>();
            int[] shape = inputShape;
            boolean gradientNeeded = inputGradient;   // does anything before the next layer need dL/dx?
            for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                int number = counts.merge(step.prefix(), 1, Integer::sum);
                // The first layer's input is the caller's tensor and the last layer's output gradient
                // is the caller's too: only layers in between may overwrite them.
                boolean inPlace = i > 0 && i < steps.size() - 1;
                LayerContext ctx = new LayerContext(backend, block, buffers, gradientNeeded, inPlace);
                Layer layer = step.factory().create(ctx, step.prefix() + "_" + number, shape);
                layers.add(layer);
                shape = layer.outputShape();
                gradientNeeded |= layer.parameterCount() > 0;
            }
            block.allocate(backend, seed);
            Sequential model = new Sequential(backend, inputShape.clone(), layers, block, buffers, seed);
            model.setFusion(true);
            return model;
        }

        @Override
        public String toString() { return "Sequential.Builder" + Arrays.toString(inputShape) + " with " + steps.size() + " layers"; }
    }
}
