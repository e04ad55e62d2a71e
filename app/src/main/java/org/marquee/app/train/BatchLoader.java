package org.marquee.app.train;

import org.marquee.dataset.PosterDataset;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;

/**
 * Fills a fixed-size batch from a data set and uploads it: host arrays and backend tensors are
 * allocated once and reused every step. A short final batch is padded by repeating its last index,
 * so the model always sees one batch size (callers ignore the padded rows). Every poster of a batch
 * is augmented (training only), then normalized when an {@link InputNormalization} is given: the one
 * place where training and evaluation posters are prepared.
 */
final class BatchLoader implements AutoCloseable {
    private final PosterDataset data;
    private final Backend backend;
    private final int batch;
    private final int[] indices;    // (N)
    private final float[] pixels;   // (N, 3, H, W)
    private final float[] labels;   // (N, G)
    private final Tensor x;         // (N, 3, H, W)
    private final Tensor y;         // (N, G)

    private final InputNormalization normalization;   // null: none

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
        this.indices = new int[batch];
        this.pixels = new float[batch * 3 * s * s];
        this.labels = new float[batch * g];
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
     * are augmented.
     */
    int load(int[] order, int from, int count, Augmenter augmenter, long step) {
        if (count < 1 || count > batch) throw new IllegalArgumentException("batch of " + count + " rows, capacity " + batch);
        for (int i = 0; i < batch; i++) indices[i] = order[from + Math.min(i, count - 1)];
        data.fillBatch(indices, pixels, labels);
        if (augmenter != null) {
            int per = data.pixelsPerImage();
            for (int i = 0; i < batch; i++) augmenter.apply(pixels, i * per, step, i);
        }
        if (normalization != null) {
            int per = data.pixelsPerImage();
            for (int i = 0; i < batch; i++) normalization.apply(pixels, i * per, per);
        }
        backend.upload(x, pixels);
        backend.upload(y, labels);
        return count;
    }

    /**
     * Mirrors every poster of the loaded batch left-right and uploads it again: the same posters,
     * as {@code --tta flip} shows them a second time. (Per-channel normalization commutes with the
     * mirror, so it does not matter that it was already applied.)
     */
    void mirrorLoaded() {
        int per = data.pixelsPerImage(), s = data.imageSize();
        for (int i = 0; i < batch; i++) mirror(pixels, i * per, 3 * s, s);
        backend.upload(x, pixels);
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
    float[] hostLabels() { return labels; }
    int batchSize() { return batch; }

    @Override
    public void close() {
        x.close();
        y.close();
    }
}
