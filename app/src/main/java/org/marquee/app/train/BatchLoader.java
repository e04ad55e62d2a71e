package org.marquee.app.train;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.marquee.dataset.PosterDataset;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;

/**
 * Fills a fixed-size batch from a data set and uploads it: host arrays and backend tensors are
 * allocated once and reused every step. A short final batch is padded by repeating its last index,
 * so the model always sees one batch size (callers ignore the padded rows). Every poster of a batch
 * is augmented (training only), then normalized when an {@link InputNormalization} is given: the one
 * place where training and evaluation posters are prepared.
 *
 * <p>Training asks for the next batch ahead ({@link #prefetch}): it is read, augmented and
 * normalized on a background thread while the step on the current one computes, into a second set
 * of host arrays, and {@link #load} then only uploads it. The posters are prepared by the same code
 * in the same order either way, so the batch is the same to the bit.
 */
final class BatchLoader implements AutoCloseable {
    private final PosterDataset data;
    private final Backend backend;
    private final int batch;
    private final Tensor x;         // (N, 3, H, W)
    private final Tensor y;         // (N, G)
    private final InputNormalization normalization;   // null: none

    /** One batch on the host, before the upload, and which batch it is. */
    private static final class HostBatch {
        final int[] indices;    // (N)
        final float[] pixels;   // (N, 3, H, W)
        final float[] labels;   // (N, G)
        int[] order;            // the batch's key: order[from ..) at step, through augmenter
        int from;
        long step;
        Augmenter augmenter;

        HostBatch(int batch, int pixelsPerImage, int genres) {
            indices = new int[batch];
            pixels = new float[batch * pixelsPerImage];
            labels = new float[batch * genres];
        }

        boolean is(int[] order, int from, long step, Augmenter augmenter) {
            return this.order == order && this.from == from && this.step == step && this.augmenter == augmenter;
        }
    }

    private HostBatch current;
    private HostBatch spare;                 // null until the first prefetch
    private ExecutorService prefetcher;      // one daemon thread, started by the first prefetch
    private Future<HostBatch> pending;       // the spare being filled, or null
    private Prefetch pendingKey;             // which batch pending fills

    /** Which batch a prefetch prepares. */
    private record Prefetch(int[] order, int from, long step, Augmenter augmenter) {
        boolean is(int[] order, int from, long step, Augmenter augmenter) {
            return this.order == order && this.from == from && this.step == step && this.augmenter == augmenter;
        }
    }

    BatchLoader(PosterDataset data, Backend backend, int batch) {
        this(data, backend, batch, null);
    }

    /** @param normalization applied to every poster after any augmentation, null for none */
    BatchLoader(PosterDataset data, Backend backend, int batch, InputNormalization normalization) {
        this.normalization = normalization;
        this.data = data;
        this.backend = backend;
        this.batch = batch;
        int s = data.imageSize(), g = data.genres().size();
        this.current = new HostBatch(batch, data.pixelsPerImage(), g);
        this.x = backend.allocate(batch, 3, s, s);
        try {
            this.y = backend.allocate(batch, g);
        } catch (RuntimeException e) {
            x.close();   // no loader to close it
            throw e;
        }
    }

    /** Loads {@code order[from .. from+count)} (count &lt;= batch size); returns the number of real rows. */
    int load(int[] order, int from, int count) {
        return load(order, from, count, null, 0);
    }

    /**
     * As {@link #load(int[], int, int)}, passing each row i of the batch through
     * {@code augmenter} keyed by (step, i) before the upload (null: none). Only training batches
     * are augmented. When the last {@link #prefetch} asked for this very batch, it is taken from
     * there (waiting for it if needed).
     */
    int load(int[] order, int from, int count, Augmenter augmenter, long step) {
        if (count < 1 || count > batch) throw new IllegalArgumentException("batch of " + count + " rows, capacity " + batch);
        boolean wanted = count == batch && pendingKey != null && pendingKey.is(order, from, step, augmenter);
        HostBatch ready = awaitPending(wanted);
        if (ready != null && wanted && ready.is(order, from, step, augmenter)) {
            spare = current;
            current = ready;
        } else {
            prepare(current, order, from, count, augmenter, step);
        }
        backend.upload(x, current.pixels);
        backend.upload(y, current.labels);
        return count;
    }

    /**
     * Starts preparing the full batch {@code order[from .. from+batch)} at {@code step} on a
     * background thread, for the {@link #load} that will ask for it. Does nothing when fewer than a
     * batch of rows are left from {@code from}.
     */
    void prefetch(int[] order, int from, Augmenter augmenter, long step) {
        if (from < 0 || from + batch > order.length) return;
        awaitPending(false);
        if (spare == null) spare = new HostBatch(batch, data.pixelsPerImage(), data.genres().size());
        if (prefetcher == null) {
            prefetcher = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "marquee-batch-prefetch");
                t.setDaemon(true);
                return t;
            });
        }
        HostBatch into = spare;
        pendingKey = new Prefetch(order, from, step, augmenter);
        pending = prefetcher.submit(() -> {
            prepare(into, order, from, batch, augmenter, step);
            return into;
        });
    }

    /**
     * Waits for the prefetch in flight, if any, and returns its batch (null when there was none).
     * When its batch is {@code wanted}, a failure to prepare it (an unreadable poster) is thrown
     * here as it would have been without the prefetch; otherwise the batch is set aside unused.
     */
    private HostBatch awaitPending(boolean wanted) {
        Future<HostBatch> f = pending;
        if (f == null) return null;
        pending = null;
        pendingKey = null;
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (!wanted) return null;
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next batch", e);
        }
    }

    /** Reads rows order[from ..) (the last one repeated to fill a short batch), augments and normalizes them into {@code b}. */
    private void prepare(HostBatch b, int[] order, int from, int count, Augmenter augmenter, long step) {
        b.order = null;     // not a complete batch until the end
        for (int i = 0; i < batch; i++) b.indices[i] = order[from + Math.min(i, count - 1)];
        data.fillBatch(b.indices, b.pixels, b.labels);
        int per = data.pixelsPerImage();
        if (augmenter != null) {
            for (int i = 0; i < batch; i++) augmenter.apply(b.pixels, i * per, step, i);
        }
        if (normalization != null) {
            for (int i = 0; i < batch; i++) normalization.apply(b.pixels, i * per, per);
        }
        b.order = order;
        b.from = from;
        b.step = step;
        b.augmenter = augmenter;
    }

    /**
     * Mirrors every poster of the loaded batch left-right and uploads it again: the same posters,
     * as {@code --tta flip} shows them a second time. (Per-channel normalization commutes with the
     * mirror, so it does not matter that it was already applied.)
     */
    void mirrorLoaded() {
        int per = data.pixelsPerImage(), s = data.imageSize();
        for (int i = 0; i < batch; i++) mirror(current.pixels, i * per, 3 * s, s);
        current.order = null;    // no longer the batch it was prepared as
        backend.upload(x, current.pixels);
    }

    /** Reverses each of {@code rows} rows of {@code width} floats starting at {@code offset}: a left-right mirror. */
    static void mirror(float[] pixels, int offset, int rows, int width) {
        for (int r = 0; r < rows; r++) {
            for (int a = offset + r * width, b = a + width - 1; a < b; a++, b--) {
                float t = pixels[a];
                pixels[a] = pixels[b];
                pixels[b] = t;
            }
        }
    }

    Tensor images() { return x; }
    Tensor targets() { return y; }
    float[] hostLabels() { return current.labels; }
    int batchSize() { return batch; }

    @Override
    public void close() {
        try {
            awaitPending(false);
        } finally {
            if (prefetcher != null) prefetcher.shutdownNow();
            x.close();
            y.close();
        }
    }
}
