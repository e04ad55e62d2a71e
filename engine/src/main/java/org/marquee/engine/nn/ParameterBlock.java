package org.marquee.engine.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.marquee.engine.Backend;
import org.marquee.engine.Shapes;
import org.marquee.engine.Tensor;

/**
 * The layout of a model's parameters: every parameter tensor is a slot in ONE contiguous block
 * (and the same slot in ONE gradient block), in the order the layers reserved them (kernel, then
 * bias, layer by layer, as Keras orders its weights). The optimizer and zero-grad then each work
 * on a single tensor.
 *
 * <p>Layers reserve slots while the model is being built; {@link #allocate} then creates both
 * blocks and initializes kernels Glorot-uniform, {@code U(-l, l)} with
 * {@code l = sqrt(6 / (fan_in + fan_out))}, drawing from one {@link SplittableRandom} in slot order
 * on the host, so one seed gives bit-identical parameters on every build and (up to rounding to
 * float32) on every backend. Biases start at zero.
 */
final class ParameterBlock {
    private final List<Slot> slots = new ArrayList<>();
    private long size;
    private Tensor params;   // (P)
    private Tensor grads;    // (P)

    /**
     * Reserves a parameter tensor. {@code fanIn}/{@code fanOut} select Glorot-uniform
     * initialization; pass 0 for both to start at zero (biases).
     */
    Slot reserve(String name, int fanIn, int fanOut, int... shape) {
        if (params != null) throw new IllegalStateException("parameters already allocated; cannot reserve " + name);
        Slot s = new Slot(name, size, shape.clone(), fanIn, fanOut);
        size += Shapes.size(shape);
        slots.add(s);
        return s;
    }

    long size() { return size; }
    List<Slot> slots() { return List.copyOf(slots); }
    Tensor params() { return params; }
    Tensor grads() { return grads; }

    void allocate(Backend backend, long seed) {
        int p = Math.toIntExact(Math.max(size, 1));
        params = backend.allocate(p);
        grads = backend.allocate(p);
        for (Slot s : slots) {
            s.value = params.view(s.offset, s.shape);
            s.gradient = grads.view(s.offset, s.shape);
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (Slot s : slots) {
            if (s.fanIn == 0 && s.fanOut == 0) continue;      // zero bias: allocate() already zeroed it
            double limit = Math.sqrt(6.0 / (s.fanIn + s.fanOut));
            double[] values = new double[Math.toIntExact(Shapes.size(s.shape))];
            for (int i = 0; i < values.length; i++) values[i] = random.nextDouble(-limit, limit);
            backend.upload(s.value(), values);
        }
    }

    /** One parameter tensor: a view into the parameter block and the matching gradient view. */
    final class Slot {
        private final String name;
        private final long offset;
        private final int[] shape;
        private final int fanIn, fanOut;
        private Tensor value, gradient;     // views, set by allocate()

        private Slot(String name, long offset, int[] shape, int fanIn, int fanOut) {
            this.name = name;
            this.offset = offset;
            this.shape = shape;
            this.fanIn = fanIn;
            this.fanOut = fanOut;
        }

        String name() { return name; }
        long offset() { return offset; }

        Tensor value() { return require(value); }

        Tensor gradient() { return require(gradient); }

        Parameter parameter() { return new Parameter(name, value(), gradient()); }

        private Tensor require(Tensor t) {
            if (t == null) throw new IllegalStateException(name + ": parameters are not allocated yet");
            return t;
        }
    }
}
