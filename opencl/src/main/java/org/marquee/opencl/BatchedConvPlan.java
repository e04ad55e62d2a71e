package org.marquee.opencl;

import org.marquee.engine.ConvGeometry;
import org.marquee.engine.ConvPlan;
import org.marquee.engine.Tensor;

/**
 * The GPU family's route for a convolution: a whole group of images per launch
 * ({@code kernels/conv_batch.cl}). Its workspace holds, for G images of P = OH*OW positions,
 * <pre>
 *   columns  (C*KH*KW, G*P)   the group's column matrix, column img*P + p
 *   rows     (K, G*P)         the convolution's output (forward) or dY (backward) in the layout
 *                             the gemm reads and writes, one row per filter
 * </pre>
 * so that each pass is a handful of launches whatever the batch: forward is im2col, one gemm and
 * an epilogue (bias, ReLU and, where pooled, the 2x2 max pooling), instead of an im2col and a
 * gemm per image. A batch whose column matrix would pass {@link #MAX_COLUMN_FLOATS} runs in
 * groups of fewer images.
 */
final class BatchedConvPlan extends ConvPlan {
    /** The largest column matrix a group may need, in floats (512 MiB). */
    static final long MAX_COLUMN_FLOATS = 1L << 27;

    private final OpenClBackend backend;
    private Tensor columns;     // (C*KH*KW, capacity*P)
    private Tensor rows;        // (K, capacity*P)
    private int capacity;       // images the workspace holds

    BatchedConvPlan(OpenClBackend backend, ConvGeometry g) {
        super(backend, g, Route.BATCHED, false, false, false);
        this.backend = backend;
    }

    /** Images per group for a batch of n: all of them, or as many as keep the workspace under the limit. */
    int group(int n) {
        ConvGeometry g = geometry();
        return imagesPerGroup(g.patch(), g.k(), g.positions(), n);
    }

    /** {@link #group} for a convolution of this patch (C*KH*KW), filter count and output positions. */
    static int imagesPerGroup(int patch, int filters, int positions, int n) {
        long perImage = (long) Math.max(patch, filters) * positions;
        return (int) Math.max(1, Math.min(n, MAX_COLUMN_FLOATS / perImage));
    }

    /** The column matrix of a group of {@code images}, (C*KH*KW, images*P). */
    Tensor columns(int images) {
        reserve(images);
        return columns.view(0, geometry().patch(), images * geometry().positions());
    }

    /** The filter rows of a group of {@code images}, (K, images*P). */
    Tensor rows(int images) {
        reserve(images);
        return rows.view(0, geometry().k(), images * geometry().positions());
    }

    private void reserve(int images) {
        if (images <= capacity) return;
        release();
        ConvGeometry g = geometry();
        columns = backend.allocate(g.patch(), images * g.positions());
        rows = backend.allocate(g.k(), images * g.positions());
        capacity = images;
    }

    private void release() {
        if (columns != null) columns.close();
        if (rows != null) rows.close();
        columns = rows = null;
        capacity = 0;
    }

    @Override
    public void close() {
        release();
        super.close();
    }
}
