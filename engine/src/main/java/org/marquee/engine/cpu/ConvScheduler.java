package org.marquee.engine.cpu;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;

/**
 * How the direct convolution's work is shared between the threads, and each thread's buffers.
 *
 * <p>All three passes split (image, block of output rows) units between the threads. The forward
 * pass and the input gradient hand them out in runs of consecutive units ({@link #runLength},
 * {@link #next}), each unit writing its own rows. The weight gradient's units are summed in
 * {@link #CHUNKS} fixed groups ({@link Chunk}), handed out one at a time, each with its own copy
 * of dW (or dWᵀ), added in group order at the end ({@link #addBias}, {@link #addPartials}), so the
 * result is the same for any thread count and any scheduling.
 *
 * <p>The buffers are shared by the three passes; {@link DirectConv} runs one pass at a time.
 */
final class ConvScheduler {
    private static final int MR = MicroKernel.MR, NR = MicroKernel.NR, L = MicroKernel.L;

    /**
     * One thread's buffers, grown to the largest call seen. Shapes name the pass that fills them:
     * filters K, input channels C, a unit's output rows {@code rows}, output width OW.
     */
    static final class Worker {
        // the tiles are written on every call: PAD floats after each keep the next worker's
        // buffers off their last cache lines
        /** The micro-kernel's tile (MR, NR). */
        final float[] tile = new float[MR * NR + WorkerPool.PAD];
        /** The weight gradient's 9-tap tile (9, NR). */
        final float[] tile9 = new float[9 * NR + WorkerPool.PAD];
        /** An output row narrower than NR, packed and zero-filled: (depth = taps, NR). */
        float[] panel = new float[0];
        /** The weight gradient's dYᵀ panels: (K rounded up to NR / NR, depth = positions, NR). */
        float[] packedB = new float[0];
        /** One unit's rows of dY, unpooled from the pooling's gradient: (K, rows, OW). */
        float[] dy = new float[0];
        /**
         * One forward unit's output rows when y is not kept, (K, ROWS, padded W, or OW when rows
         * are computed one by one); or one input-gradient unit's rows of dx, (C, rows, W + KW - 1).
         */
        float[] unit = new float[0];
        /** The zero-padded dY rows one unit of the input gradient reads: (K, rows + KH - 1, W + KW - 1). */
        float[] padded = new float[0];
        /** Where MR taps of the weight gradient's tile start in the image: (MR). */
        final int[] taps = new int[MR];
    }

    private final WorkerPool pool;
    private final Worker[] workers;
    private final int runsPerThread;

    /** {@code runsPerThread}: how many runs of units each thread claims per pass ({@link #runLength}). */
    ConvScheduler(WorkerPool pool, int runsPerThread) {
        this.pool = pool;
        this.runsPerThread = runsPerThread;
        this.workers = new Worker[pool.threads()];
        for (int i = 0; i < workers.length; i++) workers[i] = new Worker();
    }

    WorkerPool pool() { return pool; }

    /** The buffers of worker {@code id} of {@link WorkerPool#run}. */
    Worker worker(int id) { return workers[id]; }

    /**
     * How many consecutive units a thread claims at a time: about {@code runsPerThread} runs per
     * thread ({@link CpuTuning#runsPerThread()}, 8 by default). Neighbouring
     * units write neighbouring rows of every output plane, so the cache lines where one unit's rows
     * end and the next one's begin are written by both; claimed one at a time, the threads took
     * turns and those lines moved between the cores on nearly every unit (conv1's forward pass
     * ran 26 ms on two threads, 30 on one).
     */
    int runLength(int units) { return Math.max(1, units / (runsPerThread * pool.threads())); }

    /** The unit after {@code u}: the next of the thread's claimed run, or the first of a new run. */
    static int next(AtomicInteger next, int u, int run) {
        return u >= 0 && (u + 1) % run != 0 ? u + 1 : next.getAndAdd(run);
    }

    /**
     * The weight gradient's units are summed in CHUNKS fixed groups, whichever thread takes a group:
     * the sums, and so the gradients, do not depend on the scheduling or the thread count.
     */
    static final int CHUNKS = 8;
    private final Chunk[] chunks = new Chunk[CHUNKS];

    /** One group's partial dW (or dWᵀ) and bias gradient. */
    static final class Chunk {
        /** The group's dW (K, taps), or dWᵀ (taps, K). */
        float[] sums = new float[0];
        /** The group's bias gradient (K). */
        float[] bias = new float[0];
        /** The dot-product weight gradient's sums still as vectors (K, taps, L): entry e's L lanes at e*L. */
        float[] lanes = new float[0];
    }

    /** Clears the partial sums of min(CHUNKS, units) groups for a dW of {@code size} and {@code filters} biases; returns their count. */
    int chunks(int units, int size, int filters) {
        int used = Math.min(CHUNKS, units);
        for (int ch = 0; ch < used; ch++) {
            if (chunks[ch] == null) chunks[ch] = new Chunk();
            Chunk c = chunks[ch];
            // groups are summed by different threads at once: PAD floats after each array keep
            // the next group's arrays off its last cache line
            if (c.sums.length < size + WorkerPool.PAD) c.sums = new float[size + WorkerPool.PAD];
            if (c.bias.length < filters + WorkerPool.PAD) c.bias = new float[filters + WorkerPool.PAD];
            Arrays.fill(c.sums, 0, size, 0f);
            Arrays.fill(c.bias, 0, filters, 0f);
        }
        return used;
    }

    /** Group {@code ch}, as cleared by the last {@link #chunks}. */
    Chunk chunk(int ch) { return chunks[ch]; }

    /** db[f] += the bias gradients of the first {@code used} groups, added in group order. */
    void addBias(int used, int filters, float[] db, int dbo) {
        for (int f = 0; f < filters; f++) {
            float sum = 0f;
            for (int ch = 0; ch < used; ch++) sum += chunks[ch].bias[f];
            db[dbo + f] += sum;
        }
    }

    /** dw += the partial sums of the first {@code used} chunks, in chunk order. */
    void addPartials(int used, int size, float[] dw, int dwo) {
        for (int ch = 0; ch < used; ch++) {
            float[] part = chunks[ch].sums;
            int i = 0;
            for (; i <= size - L; i += L) {
                FloatVector.fromArray(MicroKernel.S, dw, dwo + i).add(FloatVector.fromArray(MicroKernel.S, part, i)).intoArray(dw, dwo + i);
            }
            for (; i < size; i++) dw[dwo + i] += part[i];
        }
    }
}
