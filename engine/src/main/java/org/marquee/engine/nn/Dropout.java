package org.marquee.engine.nn;

import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;

/**
 * Inverted dropout: in training each element is kept with probability 1 - rate and scaled by
 * 1 / (1 - rate), so inference is the identity. The mask is a pure function of
 * (seed, step, element index) ({@link org.marquee.engine.DropoutHash}), identical on every backend;
 * repeating a forward at the same step repeats the mask (which the gradient check relies on). The
 * element index counts from the batch's first row, or from {@link Sequential#setFirstRow} rows
 * earlier when the batch is one shard of a larger one.
 *
 * <pre>
 *   forward:   y = x * mask          backward:   dx = dy * mask
 * </pre>
 * Between two other layers of a model it works in place, like {@link ReLU}: y over x, dx over dy.
 */
public final class Dropout implements Layer {
    private final Backend backend;
    private final String name;
    private final double rate;
    private final int[] shape;                // per example, input = output
    private final Buffers.PerBatch mask;      // (N, shape...)
    private final boolean inPlace;            // y over x, dx over dy
    private final boolean needsDx;
    private final Buffers.PerBatch y;         // (N, shape...), null in place
    private final Buffers.PerBatch dx;        // (N, shape...), null in place or when nothing before needs it
    private long seed;
    private long step;
    private long firstRow;                    // this batch's first row in the whole batch it is a shard of
    private boolean masked;                   // whether the last forward applied a mask
    private int batch;

    Dropout(LayerContext ctx, String name, int[] inputShape, double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException(name + " (Dropout): rate must be in [0, 1) but is " + rate);
        }
        this.backend = ctx.backend();
        this.name = name;
        this.rate = rate;
        this.shape = inputShape.clone();
        this.mask = ctx.buffers().perBatch(shape);
        this.inPlace = ctx.inPlace();
        this.needsDx = ctx.inputGradient();
        this.y = inPlace ? null : ctx.buffers().perBatch(shape);
        this.dx = needsDx && !inPlace ? ctx.buffers().perBatch(shape) : null;
    }

    @Override public String name() { return name; }
    @Override public String type() { return "Dropout"; }
    @Override public int[] inputShape() { return shape.clone(); }
    @Override public int[] outputShape() { return shape.clone(); }
    @Override public int parameterCount() { return 0; }
    /**
     * The probability of dropping an element in training.
     *
     * @return the rate, in [0, 1)
     */
    public double rate() { return rate; }
    /**
     * Whether this layer overwrites its input and its output gradient.
     *
     * @return true when it works in place
     */
    public boolean inPlace() { return inPlace; }

    void setSeed(long seed) { this.seed = seed; }
    void setStep(long step) { this.step = step; }
    void setFirstRow(long row) { this.firstRow = row; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int n = LayerChecks.batchOf(name, "input", x, shape);
        batch = n;
        masked = training && rate > 0;
        if (!masked) return x;                               // identity: no copy
        Tensor m = mask.forBatch(n);
        backend.dropoutMask(m, seed, step, firstRow * elementsPerRow(), rate);
        Tensor out = inPlace ? x : y.forBatch(n);
        backend.multiply(x, m, out);
        return out;
    }

    private long elementsPerRow() {
        long e = 1;
        for (int d : shape) e *= d;
        return e;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = LayerChecks.batchOf(name, "output gradient", dy, shape);
        LayerChecks.requireForward(name, batch, n);
        if (!needsDx) return null;
        if (!masked) return dy;
        Tensor dxs = inPlace ? dy : dx.forBatch(n);
        backend.multiply(dy, mask.forBatch(n), dxs);        // dx = dy * mask
        return dxs;
    }
}
