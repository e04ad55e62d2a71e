package org.marquee.engine.nn;

import java.util.ArrayList;
import java.util.List;
import org.marquee.engine.Backend;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.ConvPlan;
import org.marquee.engine.Shapes;
import org.marquee.engine.Tensor;

/**
 * The activation, gradient and workspace buffers of one model. Each buffer is allocated on first
 * use and then reused; a per-batch buffer is sized for the largest batch seen and handed out as a
 * view for smaller ones, so a training loop allocates nothing after its first step (a trailing
 * partial batch reuses the front of the block). Closing releases them all.
 */
final class Buffers implements AutoCloseable {
    private final Backend backend;
    private final List<PerBatch> perBatch = new ArrayList<>();
    private final List<ConvPlan> plans = new ArrayList<>();
    private boolean closed;

    Buffers(Backend backend) { this.backend = backend; }

    /** A buffer of shape (N, perExample...) for any batch size N. */
    PerBatch perBatch(int... perExample) {
        PerBatch b = new PerBatch(perExample.clone());
        perBatch.add(b);
        return b;
    }

    /** The backend's plan for convolutions of geometry g (its workspace is allocated on first use). */
    ConvPlan convPlan(ConvGeometry g) {
        ConvPlan plan = backend.planConv(g);
        plans.add(plan);
        return plan;
    }

    final class PerBatch {
        private final int[] perExample;
        private Tensor block;          // (capacity, perExample...)

        private PerBatch(int[] perExample) { this.perExample = perExample; }

        /** A (n, perExample...) tensor; its contents are whatever its last user left there. */
        Tensor forBatch(int n) {
            if (n <= 0) throw new IllegalArgumentException("batch size must be positive: " + n);
            if (closed) throw new IllegalStateException("the model's buffers were closed with the model; its layers can no longer run");
            if (block == null || block.dim(0) < n) {
                release();
                block = backend.allocate(Shapes.withBatch(n, perExample));
            }
            return block.view(0, Shapes.withBatch(n, perExample));   // a view: only this buffer releases the block
        }

        private void release() {
            if (block != null) block.close();
            block = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        perBatch.forEach(PerBatch::release);
        plans.forEach(ConvPlan::close);
    }
}
