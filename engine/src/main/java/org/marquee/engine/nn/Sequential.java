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
 *
 * <p>A model owns its buffers and releases them in {@link #close()}; from then on every method
 * that computes or hands out a tensor ({@link #forward}, {@link #backward}, {@link #parameters},
 * {@link #gradients}, {@link #namedParameters}, {@link #setStep}, ...) throws
 * {@link IllegalStateException}, as do the tensors it handed out before and its layers' passes.
 * Its description (layers, shapes, parameter count, summary) stays readable.
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
    private boolean closed;

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

    /**
     * Starts a model whose examples have shape {@code inputShape}, e.g. (3, 224, 224).
     *
     * @param backend the backend every layer computes on
     * @param inputShape the shape of one example, without the batch dimension
     * @return a builder with no layer yet
     */
    public static Builder builder(Backend backend, int... inputShape) {
        return new Builder(backend, inputShape);
    }

    /**
     * Every layer in order, as Keras lists them: a {@link ConvBlock} appears as its Conv2D, ReLU
     * and MaxPooling2D. Run one by one, they compute what the model computes.
     *
     * @return the layers, unmodifiable
     */
    public List<Layer> layers() { return layers; }

    /**
     * What {@link #forward} and {@link #backward} run in order: the layers, with each {@link ConvBlock} as one.
     *
     * @return the blocks, unmodifiable
     */
    public List<Layer> blocks() { return blocks; }

    /**
     * The backend the model computes on.
     *
     * @return the backend its tensors live on
     */
    public Backend backend() { return backend; }
    /**
     * The shape of one input example, without the batch dimension, e.g. (3, 224, 224).
     *
     * @return a copy of the shape
     */
    public int[] inputShape() { return inputShape.clone(); }
    /**
     * The shape of one output example, without the batch dimension: the last layer's, e.g. (27).
     *
     * @return a copy of the shape (the input shape when there is no layer)
     */
    public int[] outputShape() { return blocks.isEmpty() ? inputShape.clone() : blocks.get(blocks.size() - 1).outputShape(); }
    /**
     * The number of trainable parameters P: every kernel and bias element.
     *
     * @return P
     */
    public long parameterCount() { return block.size(); }

    /**
     * All parameters, (P); layers hold views into it.
     *
     * @return the parameter block
     */
    public Tensor parameters() {
        requireOpen();
        return block.params();
    }

    /**
     * All parameter gradients, (P), in the layout of {@link #parameters()}.
     *
     * @return the gradient block
     */
    public Tensor gradients() {
        requireOpen();
        return block.grads();
    }

    /**
     * Every parameter tensor with its gradient, in block order ("conv2d_1/kernel", "conv2d_1/bias", ...).
     *
     * @return the parameters with their names, shapes and gradients
     */
    public List<Parameter> namedParameters() {
        requireOpen();
        return block.slots().stream().map(ParameterBlock.Slot::parameter).toList();
    }

    /** Sets every parameter gradient to 0, before a batch's {@link #backward} adds into them. */
    public void zeroGradients() {
        requireOpen();
        backend.fill(block.grads(), 0);
    }

    /**
     * (N, inputShape...) to the last layer's output (N, outputShape...), logits for the poster model.
     *
     * @param x the batch, (N, inputShape...)
     * @param training whether dropout is active (training) or the identity (inference)
     * @return the output, owned by the model and overwritten by the next forward
     */
    public Tensor forward(Tensor x, boolean training) {
        requireOpen();
        LayerChecks.batchOf("model input", "input", x, inputShape);
        Tensor h = x;
        for (Layer l : blocks) h = l.forward(h, training);
        return h;
    }

    /**
     * Backpropagates dL/dlogits through the layers in reverse order, adding into {@link #gradients()}.
     *
     * @param dLogits dL/d(output), of the last forward's output shape
     */
    public void backward(Tensor dLogits) {
        requireOpen();
        LayerChecks.batchOf("model output", "output gradient", dLogits, outputShape());
        Tensor d = dLogits;
        for (int i = blocks.size() - 1; i >= 0 && d != null; i--) d = blocks.get(i).backward(d);
        inputGradient = d;
    }

    /**
     * dL/dx of the last backward, (N, inputShape...), or null unless the model was built with
     * {@link Builder#withInputGradient()} (a model normally computes no image gradient).
     *
     * @return the input gradient, or null
     */
    public Tensor inputGradient() {
        requireOpen();
        return inputGradient;
    }

    /**
     * The dropout layer at index i of {@link #layers()} draws its mask from DropoutHash(seed + i, step, element).
     *
     * @param seed the dropout seed
     */
    public void setDropoutSeed(long seed) {
        requireOpen();
        this.dropoutSeed = seed;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof Dropout d) d.setSeed(seed + i);
        }
    }

    /**
     * The training step counter that selects the dropout masks.
     *
     * @param step the step number, the same for every shard of one batch
     */
    public void setStep(long step) {
        requireOpen();
        this.step = step;
        for (Layer layer : layers) {
            if (layer instanceof Dropout d) d.setStep(step);
        }
    }

    /**
     * The training step counter of {@link #setStep}.
     *
     * @return the step that selects the next dropout masks
     */
    public long step() { return step; }

    /**
     * The seed of {@link #setDropoutSeed}: the model's seed unless set since.
     *
     * @return the dropout seed
     */
    public long dropoutSeed() { return dropoutSeed; }

    /**
     * Says that the batches this model sees from now on are rows {@code row ..} of a larger batch
     * (0, the default: each batch is whole). Dropout then draws each element's mask by its index in
     * that larger batch, so replicas that each run one shard of a batch apply exactly the masks one
     * model would apply to the whole of it (data-parallel training).
     *
     * @param row the index in the whole batch of this model's first row, 0 or more
     */
    public void setFirstRow(long row) {
        requireOpen();
        if (row < 0) throw new IllegalArgumentException("first row must be at least 0: " + row);
        for (Layer layer : layers) {
            if (layer instanceof Dropout d) d.setFirstRow(row);
        }
    }

    /**
     * Keras-style table of layers, output shapes and parameter counts.
     *
     * @return the table, one line per layer, then the total parameter count
     */
    public String summary() { return Summary.of(this); }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once the model's buffers are released
     */
    public boolean isClosed() { return closed; }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this model (" + layers.size() + " layers, " + block.size()
                    + " parameters) was closed: its weights and buffers are released; build or load it again to use it");
        }
    }

    /**
     * Releases the parameter, gradient and activation buffers and the convolutions' workspaces;
     * closing twice is harmless. Using the model afterwards throws {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
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

        /**
         * Conv2D with a square kernel, stride 1 and no padding ("valid", as in Keras).
         *
         * @param filters the number of kernels K, the output channels
         * @param kernel the kernel side
         * @return this builder
         */
        public Builder conv2d(int filters, int kernel) { return conv2d(filters, kernel, kernel, 1, 0); }

        /**
         * Conv2D with K kernels of KH x KW, a stride and symmetric zero padding: output (K, OH, OW) with
         * OH = (H + 2 pad - KH) / stride + 1 (floor), and OW alike; Glorot-uniform kernels, zero biases.
         *
         * @param filters the number of kernels K, the output channels
         * @param kh the kernel height
         * @param kw the kernel width
         * @param stride the step between two output positions, at least 1
         * @param pad the zero rows and columns added on each side, 0 or more
         * @return this builder
         */
        public Builder conv2d(int filters, int kh, int kw, int stride, int pad) {
            return add((ctx, names, in) -> new Conv2d(ctx, names.apply("conv2d"), in, filters, kh, kw, stride, pad));
        }

        /**
         * Conv2D (square kernel, stride 1, no padding), ReLU and 2x2 max pooling as one
         * {@link ConvBlock}: the same layers, names and parameters as
         * {@code conv2d(filters, kernel).relu().maxPool2x2()}, computed in one pass each way.
         *
         * @param filters the number of kernels K, the output channels
         * @param kernel the kernel side
         * @return this builder
         */
        public Builder convBlock(int filters, int kernel) { return convBlock(filters, kernel, kernel, 1, 0); }

        /**
         * {@link #conv2d(int, int, int, int, int)}, ReLU and 2x2 max pooling as one {@link ConvBlock}, computed in one
         * pass each way; output (K, OH/2, OW/2).
         *
         * @param filters the number of kernels K, the output channels
         * @param kh the kernel height
         * @param kw the kernel width
         * @param stride the convolution's stride, at least 1
         * @param pad the convolution's zero padding on each side, 0 or more
         * @return this builder
         */
        public Builder convBlock(int filters, int kh, int kw, int stride, int pad) {
            return add((ctx, names, in) -> {
                Conv2d conv = new Conv2d(ctx, names.apply("conv2d"), in, filters, kh, kw, stride, pad);
                ReLU relu = new ReLU(ctx.inside(true), names.apply("re_lu"), conv.outputShape());
                MaxPool2d pool = new MaxPool2d(ctx.inside(true), names.apply("max_pooling2d"), conv.outputShape());
                return new ConvBlock(ctx, names.apply("conv_block"), conv, relu, pool);
            });
        }

        /**
         * ReLU, y = max(0, x) elementwise, keeping the shape.
         *
         * @return this builder
         */
        public Builder relu() { return add((ctx, names, in) -> new ReLU(ctx, names.apply("re_lu"), in)); }
        /**
         * 2x2 max pooling with stride 2: (C, H, W) to (C, H/2, W/2), a trailing odd row or column dropped (Keras' "valid").
         *
         * @return this builder
         */
        public Builder maxPool2x2() { return add((ctx, names, in) -> new MaxPool2d(ctx, names.apply("max_pooling2d"), in)); }
        /**
         * Inverted dropout: in training each element is zeroed with probability {@code rate} and the others scaled
         * by 1 / (1 - rate), so the expected value is unchanged; at inference the identity. The mask is a hash of
         * (seed, step, element), so runs repeat exactly.
         *
         * @param rate the probability of dropping an element, in [0, 1)
         * @return this builder
         */
        public Builder dropout(double rate) { return add((ctx, names, in) -> new Dropout(ctx, names.apply("dropout"), in, rate)); }
        /**
         * Flattens each example to one dimension in row-major order: (C, H, W) to (C*H*W).
         *
         * @return this builder
         */
        public Builder flatten() { return add((ctx, names, in) -> new Flatten(ctx, names.apply("flatten"), in)); }
        /**
         * A fully connected layer: y = x W + b with x (in), kernel W (in, units) Glorot-uniform and bias b (units) zero.
         *
         * @param units the number of outputs
         * @return this builder
         */
        public Builder dense(int units) { return add((ctx, names, in) -> new Dense(ctx, names.apply("dense"), in, units)); }

        /**
         * Inference only: maps logits to probabilities; it has no backward pass.
         *
         * @return this builder
         */
        public Builder sigmoid() { return add((ctx, names, in) -> new Sigmoid(ctx, names.apply("activation"), in)); }

        /**
         * Also computes dL/dx at the first layer ({@link Sequential#inputGradient()}); for gradient checks.
         *
         * @return this builder
         */
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
         *
         * @param seed the seed of the initial weights and of dropout
         * @return the model, which owns its buffers: close it
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
