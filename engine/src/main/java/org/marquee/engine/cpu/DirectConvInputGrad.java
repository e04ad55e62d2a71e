package org.marquee.engine.cpu;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.cpu.ConvScheduler.Worker;

/**
 * The input gradient of the direct convolution, as a forward convolution:
 * <pre>
 *   dx = col2im(Wᵀ · dY) = the forward convolution of dY, zero-padded by KH-1-pad (KW-1-pad),
 *        with the flipped kernel Wf[c][f,i,j] = W[f][c][KH-1-i][KW-1-j]
 * </pre>
 * so it reuses the forward pass's sweep ({@link DirectConvForward#block}, {@link
 * DirectConvForward#row}) with the channels as output planes and no bias. Instead of one
 * zero-padded copy of the whole batch, each unit of output rows pads the few dY rows it reads in
 * its worker's buffer (in cache); a gradient given max-pooled is unpooled there row by row.
 */
final class DirectConvInputGrad {
    private static final int NR = MicroKernel.NR;
    /** Output rows per unit of the input gradient ({@link CpuTuning#inputGradRows()}). */
    private final int rowsPerUnit;

    private final ConvScheduler scheduler;
    private final Pooling pooling;
    /** (C, K*KH*KW): the flipped kernel Wf. */
    private float[] flipped = new float[0];
    /** (C rounded up to MR, K*KH*KW): Wf as A panels. */
    private float[] packedWeights = new float[0];

    DirectConvInputGrad(ConvScheduler scheduler, Pooling pooling, int rowsPerUnit) {
        if (rowsPerUnit < 1) throw new IllegalArgumentException("rows per unit must be >= 1: " + rowsPerUnit);
        this.rowsPerUnit = rowsPerUnit;
        this.scheduler = scheduler;
        this.pooling = pooling;
    }

    /**
     * dx (n, C, H, W) = col2im(Wᵀ · dy[i]) for every image: the flipped kernel over dy zero-padded.
     * dy is plain or given max-pooled ({@link ConvGradient}), as in {@link DirectConvWeightGrad#weightGrad}.
     */
    void inputGrad(ConvGeometry g, int n, ConvGradient grad, Slice kernel, Slice out) {
        float[] dy = grad.values().array(), weights = kernel.array(), dx = out.array();
        int dyo = grad.values().offset(), wo = kernel.offset(), dxo = out.offset();
        boolean pooledDy = grad.isPooled();
        int filters = g.k(), channels = g.c(), kh = g.kh(), kw = g.kw();
        // dY zero-padded by qh rows above and below, qw columns left and right: rows paddedWidth long
        int qh = kh - 1 - g.pad(), qw = kw - 1 - g.pad();
        int paddedWidth = g.ow() + 2 * qw;
        int taps = kh * kw, patch = filters * taps;
        if (flipped.length < channels * patch) flipped = new float[channels * patch];
        for (int f = 0; f < filters; f++) {
            for (int ch = 0; ch < channels; ch++) {
                int from = wo + (f * channels + ch) * taps, to = ch * patch + f * taps;
                for (int t = 0; t < taps; t++) flipped[to + taps - 1 - t] = weights[from + t];
            }
        }
        packedWeights = DirectConvForward.packWeights(flipped, 0, channels, patch, packedWeights);
        // Each unit of output rows pads the dY rows it reads into its worker's buffer (in cache),
        // instead of one zero-padded copy of the whole batch.
        int h = g.h(), width = g.w(), oh = g.oh(), ow = g.ow();
        int rowsPer = Math.min(h, rowsPerUnit), local = rowsPer + kh - 1, plane = local * paddedWidth;
        int[] off = DirectConvForward.offsets(filters, local, paddedWidth, kh, kw);
        DirectConvForward.Sweep sweep = new DirectConvForward.Sweep(off, DirectConvForward.runs(off, kw), packedWeights,
                channels, MicroKernel.Epilogue.none(channels));
        int blocks = (h + rowsPer - 1) / rowsPer, units = n * blocks, outImage = channels * h * width, dyImage = filters * oh * ow;
        boolean inBuffer = width >= NR;
        Pooling pooling = this.pooling;
        int ldu = rowsPer * paddedWidth;         // one channel's rows in the worker's buffer (inBuffer)
        AtomicInteger next = new AtomicInteger();
        int run = scheduler.runLength(units);
        scheduler.pool().run(units, (wk, ws) -> {
            Worker me = scheduler.worker(wk);
            if (me.panel.length < off.length * NR) me.panel = new float[off.length * NR];
            if (me.padded.length < filters * plane) me.padded = new float[filters * plane];
            if (inBuffer && me.unit.length < channels * ldu) me.unit = new float[channels * ldu];
            float[] buf = me.padded;
            for (int u = -1; (u = ConvScheduler.next(next, u, run)) < units; ) {
                int i = u / blocks, r0 = (u % blocks) * rowsPer, r1 = Math.min(h, r0 + rowsPer);
                // buffer row lr is padded row r0 + lr, i.e. dY row r0 + lr - qh
                for (int f = 0; f < filters; f++) {
                    for (int lr = 0; lr < r1 - r0 + kh - 1; lr++) {
                        int d = f * plane + lr * paddedWidth, sy = r0 + lr - qh;
                        if (sy < 0 || sy >= oh) {
                            Arrays.fill(buf, d, d + paddedWidth, 0f);
                        } else {
                            Arrays.fill(buf, d, d + qw, 0f);
                            if (!pooledDy) System.arraycopy(dy, dyo + i * dyImage + f * oh * ow + sy * ow, buf, d + qw, ow);
                            else DirectConvWeightGrad.dyRow(pooling, grad, (i * filters + f) * (oh / 2), oh, ow, sy, buf, d + qw);
                            Arrays.fill(buf, d + qw + ow, d + paddedWidth, 0f);
                        }
                    }
                }
                int dxi = dxo + i * outImage;
                if (inBuffer) {
                    // the unit's rows as one run of positions paddedWidth apart, panels crossing row ends
                    // (see block; with 32-wide panels conv3 takes 14 for 8 rows of 54, not 16), into the worker's
                    // buffer, then copied out row by row (cheap beside a reduction of K*KH*KW)
                    int rows = r1 - r0;
                    DirectConvForward.block(sweep, buf, 0, (rows - 1) * paddedWidth + width, me.unit, ldu, me);
                    for (int ch = 0; ch < channels; ch++) {
                        for (int lr = 0; lr < rows; lr++) {
                            System.arraycopy(me.unit, ch * ldu + lr * paddedWidth, dx, dxi + ch * h * width + (r0 + lr) * width, width);
                        }
                    }
                } else {
                    for (int oy = r0; oy < r1; oy++) {
                        DirectConvForward.row(sweep, buf, (oy - r0) * paddedWidth, dx, dxi + oy * width, h * width, width, me);
                    }
                }
            }
        });
    }
}
