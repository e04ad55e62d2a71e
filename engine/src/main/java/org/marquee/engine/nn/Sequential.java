package org.marquee.engine.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
 *       .convBlock(16, 3).dropout(0.25)          // Conv2D, ReLU, 2x2 max pooling in one pass
 *       .flatten().dense(10)
 *       .build(seed);
 * </pre>
 */
public final class Sequential implements AutoCloseable {
    private final Backend backend;
    private final int[] inputShape;
    private final List<Layer> blocks;     // what forward and backward run: layers and ConvBlocks
    private final List<Layer> layers;     // every layer, a ConvBlock as its three parts
    private final ParameterBlock block;
    private final Buffers buffers;
    private long step;
    private long dropoutSeed;
    private Tensor inputGradient;     // (N, inputShape...) after backward, when requested

    private Sequential(Backend backend, int[] inputShape, List<Layer> blocks, ParameterBlock block, Buffers buffers,
                       long seed) {
        this.backend = backend;
        this.inputShape = inputShape;
        this.blocks = List.copyOf(blocks);
        List<Layer> flat = new ArrayList<>();
        for (Layer l : blocks) {
            if (l instanceof ConvBlock b) flat.addAll(b.parts());
            else flat.add(l);
        }
        this.layers = List.copyOf(flat);
        this.block = block;
        this.buffers = buffers;
        setDropoutSeed(seed);
    }

    /** Starts a model whose examples have shape {@code inputShape}, e.g. (3, 224, 224). */
    public static Builder builder(Backend backend, int... inputShape) {
        return new Builder(backend, inputShape);
    }

    /**
     * Every layer in order, as Keras lists them: a {@link ConvBlock} appears as its Conv2D, ReLU
     * and MaxPooling2D. Run one by one, they compute what the model computes.
     */
    public List<Layer> layers() { return layers; }

    /** What {@link #forward} and {@link #backward} run in order: the layers, with each {@link ConvBlock} as one. */
    public List<Layer> blocks() { return blocks; }

    public Backend backend() { return backend; }
    public int[] inputShape() { return inputShape.clone(); }
    public int[] outputShape() { return blocks.isEmpty() ? inputShape.clone() : blocks.get(blocks.size() - 1).outputShape(); }
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
        for (Layer l : blocks) h = l.forward(h, training);
        return h;
    }

    /** Backpropagates dL/dlogits through the layers in reverse order, adding into {@link #gradients()}. */
    public void backward(Tensor dLogits) {
        LayerChecks.batchOf("model output", "output gradient", dLogits, outputShape());
        Tensor d = dLogits;
        for (int i = blocks.size() - 1; i >= 0 && d != null; i--) d = blocks.get(i).backward(d);
        inputGradient = d;
    }

    /**
     * dL/dx of the last backward, (N, inputShape...), or null unless the model was built with
     * {@link Builder#withInputGradient()} (a model normally computes no image gradient).
     */
    public Tensor inputGradient() { return inputGradient; }

    /** The dropout layer at index i of {@link #layers()} draws its mask from DropoutHash(seed + i, step, element). */
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

    public long step() { return step; }

    /** The seed of {@link #setDropoutSeed}: the model's seed unless set since. */
    public long dropoutSeed() { return dropoutSeed; }

    /**
     * Says that the batches this model sees from now on are rows {@code row ..} of a larger batch
     * (0, the default: each batch is whole). Dropout then draws each element's mask by its index in
     * that larger batch, so replicas that each run one shard of a batch apply exactly the masks one
     * model would apply to the whole of it (data-parallel training).
     */
    public void setFirstRow(long row) {
        if (row < 0) throw new IllegalArgumentException("first row must be at least 0: " + row);
        for (Layer layer : layers) {
            if (layer instanceof Dropout d) d.setFirstRow(row);
        }
    }

    /** Keras-style table of layers, output shapes and parameter counts. */
    public String summary() { return Summary.of(this); }

    /** Releases the parameter, gradient and activation buffers and the convolutions' workspaces. */
    @Override
    public void close() {
        buffers.close();
        if (block.params() != null) {
            block.params().close();
            block.grads().close();
        }
    }

    /** Adds layers one by one, checking each one's input shape; {@link #build} allocates. */
    public static final class Builder {
        /** Makes a layer; {@code names} gives the next Keras name for a prefix ("conv2d" to "conv2d_2"). */
        private interface Factory { Layer create(LayerContext ctx, Function<String, String> names, int[] inputShape); }

        private final Backend backend;
        private final int[] inputShape;
        private final List<Factory> steps = new ArrayList<>();
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
            return add((ctx, names, in) -> new Conv2d(ctx, names.apply("conv2d"), in, filters, kh, kw, stride, pad));
        }

        /**
         * Conv2D (square kernel, stride 1, no padding), ReLU and 2x2 max pooling as one
         * {@link ConvBlock}: the same layers, names and parameters as
         * {@code conv2d(filters, kernel).relu().maxPool2x2()}, computed in one pass each way.
         */
        public Builder convBlock(int filters, int kernel) { return convBlock(filters, kernel, kernel, 1, 0); }

        public Builder convBlock(int filters, int kh, int kw, int stride, int pad) {
            return add((ctx, names, in) -> {
                Conv2d conv = new Conv2d(ctx, names.apply("conv2d"), in, filters, kh, kw, stride, pad);
                ReLU relu = new ReLU(ctx.inside(true), names.apply("re_lu"), conv.outputShape());
                MaxPool2d pool = new MaxPool2d(ctx.inside(true), names.apply("max_pooling2d"), conv.outputShape());
                return new ConvBlock(ctx, names.apply("conv_block"), conv, relu, pool);
            });
        }

        public Builder relu() { return add((ctx, names, in) -> new ReLU(ctx, names.apply("re_lu"), in)); }
        public Builder maxPool2x2() { return add((ctx, names, in) -> new MaxPool2d(ctx, names.apply("max_pooling2d"), in)); }
        public Builder dropout(double rate) { return add((ctx, names, in) -> new Dropout(ctx, names.apply("dropout"), in, rate)); }
        public Builder flatten() { return add((ctx, names, in) -> new Flatten(ctx, names.apply("flatten"), in)); }
        public Builder dense(int units) { return add((ctx, names, in) -> new Dense(ctx, names.apply("dense"), in, units)); }

        /** Inference only: maps logits to probabilities; it has no backward pass. */
        public Builder sigmoid() { return add((ctx, names, in) -> new Sigmoid(ctx, names.apply("activation"), in)); }

        /** Also computes dL/dx at the first layer ({@link Sequential#inputGradient()}); for gradient checks. */
        public Builder withInputGradient() {
            inputGradient = true;
            return this;
        }

        private Builder add(Factory factory) {
            steps.add(factory);
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
            Function<String, String> names = prefix -> prefix + "_" + counts.merge(prefix, 1, Integer::sum);
            List<Layer> layers = new ArrayList<>();
            int[] shape = inputShape;
            boolean gradientNeeded = inputGradient;   // does anything before the next layer need dL/dx?
            for (int i = 0; i < steps.size(); i++) {
                // The first layer's input and the last layer's output gradient are the caller's.
                LayerContext ctx = new LayerContext(backend, block, buffers, gradientNeeded, i == 0, i == steps.size() - 1);
                Layer layer = steps.get(i).create(ctx, names, shape);
                layers.add(layer);
                shape = layer.outputShape();
                gradientNeeded |= layer.parameterCount() > 0;
            }
            block.allocate(backend, seed);
            return new Sequential(backend, inputShape.clone(), layers, block, buffers, seed);
        }

        @Override
        public String toString() { return "Sequential.Builder" + Arrays.toString(inputShape) + " with " + steps.size() + " layers"; }
    }
}
