package org.marquee.engine.cpu;

import org.marquee.engine.ConvGeometry;

/**
 * Stride-1 convolution without unfolded columns: the three GEMMs of a convolution layer with the
 * column matrix read straight from the image.
 *
 * <p>Row (c, i, j) of the column matrix at position (oy, ox) is {@code x[c][oy + i][ox + j]}, i.e.
 * {@code x[off[c,i,j] + oy*W + ox]} with {@code off[c,i,j] = c*H*W + i*W + j}. So:
 * <pre>
 *   forward      y[f][oy][ox..ox+NR) = Σ_p Wpacked[f][p] · x[off[p] + oy*W + ox ..]
 *                (the micro-kernel's B panel is read from the image in place)
 *   weight grad  dWᵀ (taps, K) = cols · dYᵀ: the micro-kernel broadcasts x at 8 taps from the
 *                image and multiplies packed dYᵀ panels; only dY is packed, and dWᵀ is
 *                transposed into dW at the end. Kernels with few taps (conv1's 27) use dot
 *                products along output rows instead.
 *   input grad   dx = col2im(Wᵀ · dY) is the forward convolution of dY, zero-padded by KH-1-pad
 *                (KW-1-pad), with the flipped kernel Wf[c][f,i,j] = W[f][c][KH-1-i][KW-1-j]
 * </pre>
 * Padding of the input is handled by copying it into a zero-padded workspace first
 * ({@link PaddedImages}); the input gradient pads the few dY rows each unit of work reads, in that
 * thread's buffer. Compared with im2col + GEMM this skips writing and re-reading a (C*KH*KW,
 * OH*OW) matrix per image (13.7 MB for the poster model's conv2), the col2im pass and most
 * packing; bias is added as the tiles are stored.
 *
 * <p>The three passes are {@link DirectConvForward}, {@link DirectConvWeightGrad} and
 * {@link DirectConvInputGrad}; {@link ConvScheduler} splits their (image, block of output rows)
 * units between the threads so that results do not depend on the thread count. This class holds
 * them together: they share the workers' buffers and the padded workspace, so one call runs at a
 * time.
 */
final class DirectConv {
    /** Stride 1, and padding smaller than the kernel (so the input gradient is a padded convolution). */
    static boolean supports(ConvGeometry g) {
        return g.stride() == 1 && g.pad() < g.kh() && g.pad() < g.kw();
    }

    private final DirectConvForward forward;
    private final DirectConvWeightGrad weightGrad;
    private final DirectConvInputGrad inputGrad;

    /**
     * The passes on {@code pool}'s threads, cut into units and shared out as {@code tuning} says
     * (rows per unit, runs per thread; the fused pooling's vector shapes).
     */
    DirectConv(WorkerPool pool, CpuTuning tuning) {
        ConvScheduler scheduler = new ConvScheduler(pool, tuning.runsPerThread());
        PaddedImages padded = new PaddedImages(pool);
        Pooling pooling = new Pooling(tuning.pairLanes());
        this.forward = new DirectConvForward(scheduler, padded, pooling, tuning.convRows());
        this.weightGrad = new DirectConvWeightGrad(scheduler, padded, pooling);
        this.inputGrad = new DirectConvInputGrad(scheduler, pooling, tuning.inputGradRows());
    }

    /** See {@link DirectConvForward#forward}: y = W * x + bias, optionally ReLU. */
    synchronized void forward(ConvInput in, Slice y) {
        forward.forward(in, y);
    }

    /** See {@link DirectConvForward#forwardPooled}: W * x + bias, ReLU, 2x2 max-pooled; y not kept. */
    synchronized void forwardPooled(ConvInput in, Pooled out) {
        forward.forwardPooled(in, out);
    }

    /** See {@link DirectConvWeightGrad#weightGrad}: dw += dY · colsᵀ and db += Σ dY, dY plain or given max-pooled. */
    synchronized void weightGrad(ConvGeometry g, int n, Slice x, ConvGradient dy, Slice dw, Slice db) {
        weightGrad.weightGrad(g, n, x, dy, dw, db);
    }

    /** See {@link DirectConvInputGrad#inputGrad}: dx = col2im(Wᵀ · dY), dY plain or given max-pooled. */
    synchronized void inputGrad(ConvGeometry g, int n, ConvGradient dy, Slice weights, Slice dx) {
        inputGrad.inputGrad(g, n, dy, weights, dx);
    }
}
