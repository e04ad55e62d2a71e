package org.marquee.engine.cpu;

import java.util.Arrays;

/**
 * The zero-padded copy of a batch of images that a padded direct convolution reads, so that its
 * taps never fall outside an image. One workspace, grown to the largest batch seen, shared by the
 * forward pass and the weight gradient ({@link DirectConv} runs one at a time).
 */
final class PaddedImages {
    private final WorkerPool pool;
    /** (planes, hp, wp) of the largest call so far. */
    private float[] padded = new float[0];

    PaddedImages(WorkerPool pool) { this.pool = pool; }

    /** planes (height, width) copied into the workspace as (hp, wp) = (height + 2*padY, width + 2*padX) with zero borders. */
    float[] pad(float[] src, int so, int planes, int height, int width, int padY, int padX) {
        int hp = height + 2 * padY, wp = width + 2 * padX;
        long size = (long) planes * hp * wp;
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("padded convolution workspace too large: " + size + " floats");
        if (padded.length < size) padded = new float[(int) size];
        float[] dst = padded;
        pool.range(planes, Math.max(1, (1 << 15) / (hp * wp)), (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int d = pl * hp * wp, s = so + pl * height * width;
                Arrays.fill(dst, d, d + padY * wp, 0f);
                d += padY * wp;
                for (int y = 0; y < height; y++, d += wp, s += width) {
                    Arrays.fill(dst, d, d + padX, 0f);
                    System.arraycopy(src, s, dst, d + padX, width);
                    Arrays.fill(dst, d + padX + width, d + wp, 0f);
                }
                Arrays.fill(dst, d, d + padY * wp, 0f);
            }
        });
        return dst;
    }
}
