package org.marquee.app.train;

import org.marquee.engine.DropoutHash;

/**
 * Applies an {@link Augmentation} to one (3, S, S) poster in place. Every random number is
 * {@link DropoutHash#uniform} of (seed ^ salt, step, row), one salt per draw, where row is the
 * poster's place in its batch: the result depends on the key alone, never on earlier calls, so a
 * run repeats exactly and one resumed from a checkpoint (which holds seed and step) continues with
 * the same augmented batches. The flip uses {@link #flips}' key, so {@code --augment flip}
 * is {@code --flip}, bit for bit.
 *
 * <p>The transforms run in this order, each only when switched on:
 * <pre>
 *   crop    a ~ U[smin, 1], r = exp(U[-ln J, ln J]); crop w = S·sqrt(a·r), h = S·sqrt(a/r) (at most S)
 *           at x0 ~ U[0, S - w], y0 ~ U[0, S - h]; output (i, j) samples the input bilinearly at
 *           y = y0 + (i + 1/2)·h/S - 1/2, x = x0 + (j + 1/2)·w/S - 1/2, clamped to the image
 *           (the full window a = r = 1 gives y = i, x = j: the identity)
 *   shift   dx, dy uniform in {-k .. k}; out(i, j) = in(clamp(i - dy), clamp(j - dx)) (edge padding)
 *   flip    out(c, i, j) = in(c, i, S - 1 - j) when bit 0 of mix(seed ^ FLIP_SALT, step, row) is set
 *   colour  m = mean of all 3·S·S values; c ~ U[1 - C, 1 + C], b ~ U[-B, B];
 *           v = clamp((v - m)·c + m + b, 0, 1)
 * </pre>
 * Interpolation uses p + f·(q - p), so a constant image stays exactly constant. The result is
 * clamped to [0, 1], the pixel range of every {@link org.marquee.dataset.PosterDataset}. An
 * augmenter holds one poster of scratch space, so it serves one thread.
 */
public final class Augmenter {
    /** The range of {@link org.marquee.dataset.PosterDataset} pixels. */
    static final float LOW = 0f, HIGH = 1f;

    private static final long AREA = 0x6372_6F70_61L, ASPECT = 0x6372_6F70_72L, CROP_X = 0x6372_6F70_78L,
            CROP_Y = 0x6372_6F70_79L, SHIFT_X = 0x7368_6966_78L, SHIFT_Y = 0x7368_6966_79L,
            BRIGHT = 0x6272_6967_68L, CONTRAST = 0x636F_6E74_72L;

    private final Augmentation augmentation;
    private final long seed;
    private final int size;
    private final float[] scratch;     // (3, S, S)
    private final int[] lo, hi;        // per output row or column: the two input indices
    private final double[] frac;       // and the weight of the second

    public Augmenter(Augmentation augmentation, long seed, int size) {
        if (augmentation == null) throw new IllegalArgumentException("augmentation is required");
        if (size < 1) throw new IllegalArgumentException("image size must be positive: " + size);
        this.augmentation = augmentation;
        this.seed = seed;
        this.size = size;
        this.scratch = new float[3 * size * size];
        this.lo = new int[2 * size];
        this.hi = new int[2 * size];
        this.frac = new double[2 * size];
    }

    public Augmentation augmentation() { return augmentation; }

    /** Transforms the poster at {@code pixels[offset .. offset + 3·S·S)} for (seed, step, row). */
    public void apply(float[] pixels, int offset, long step, int row) {
        if (augmentation.isNone()) return;
        if (augmentation.crops()) crop(pixels, offset, step, row);
        if (augmentation.shifts()) shift(pixels, offset, step, row);
        if (augmentation.flip() && flipped(seed, step, row)) BatchLoader.mirror(pixels, offset, 3 * size, size);
        if (augmentation.jittersColour()) colour(pixels, offset, step, row);
        if (augmentation.crops() || augmentation.jittersColour()) clamp(pixels, offset);
    }

    /** Whether row {@code row} of the batch at {@code step} is mirrored: the same draw as {@link #flips}. */
    static boolean flipped(long seed, long step, int row) {
        return (DropoutHash.mix(seed ^ FLIP_SALT, step, row) & 1) != 0;
    }

    private double u(long salt, long step, int row) {
        return DropoutHash.uniform(seed ^ salt, step, row);
    }

    private void crop(float[] pixels, int offset, long step, int row) {
        double area = augmentation.cropScaleMin() + (1 - augmentation.cropScaleMin()) * u(AREA, step, row);
        double logJitter = Math.log(augmentation.aspectJitter());
        double ratio = Math.exp(logJitter * (2 * u(ASPECT, step, row) - 1));
        double w = Math.min(size, size * Math.sqrt(area * ratio));
        double h = Math.min(size, size * Math.sqrt(area / ratio));
        double x0 = (size - w) * u(CROP_X, step, row), y0 = (size - h) * u(CROP_Y, step, row);
        samplePoints(y0, h, 0);         // rows in [0, S)
        samplePoints(x0, w, size);      // columns in [S, 2S)
        int plane = size * size;
        System.arraycopy(pixels, offset, scratch, 0, 3 * plane);
        for (int c = 0; c < 3; c++) {
            int p = c * plane;
            for (int i = 0; i < size; i++) {
                int r0 = p + lo[i] * size, r1 = p + hi[i] * size;
                double fy = frac[i];
                for (int j = 0; j < size; j++) {
                    int a = lo[size + j], b = hi[size + j];
                    double fx = frac[size + j];
                    double top = scratch[r0 + a] + fx * (scratch[r0 + b] - scratch[r0 + a]);
                    double bottom = scratch[r1 + a] + fx * (scratch[r1 + b] - scratch[r1 + a]);
                    pixels[offset + p + i * size + j] = (float) (top + fy * (bottom - top));
                }
            }
        }
    }

    /** For output k in [0, S): the input position start + (k + 1/2)·extent/S - 1/2, as two indices and a weight. */
    private void samplePoints(double start, double extent, int at) {
        for (int k = 0; k < size; k++) {
            double s = Math.max(0, Math.min(size - 1, start + (k + 0.5) * extent / size - 0.5));
            int f = (int) Math.floor(s);
            lo[at + k] = f;
            hi[at + k] = Math.min(f + 1, size - 1);
            frac[at + k] = s - f;
        }
    }

    private void shift(float[] pixels, int offset, long step, int row) {
        int k = augmentation.shiftPixels();
        int dx = (int) Math.floor(u(SHIFT_X, step, row) * (2 * k + 1)) - k;
        int dy = (int) Math.floor(u(SHIFT_Y, step, row) * (2 * k + 1)) - k;
        if (dx == 0 && dy == 0) return;
        int plane = size * size;
        System.arraycopy(pixels, offset, scratch, 0, 3 * plane);
        for (int c = 0; c < 3; c++) {
            int p = c * plane;
            for (int i = 0; i < size; i++) {
                int si = Math.max(0, Math.min(size - 1, i - dy));
                for (int j = 0; j < size; j++) {
                    int sj = Math.max(0, Math.min(size - 1, j - dx));
                    pixels[offset + p + i * size + j] = scratch[p + si * size + sj];
                }
            }
        }
    }

    private void colour(float[] pixels, int offset, long step, int row) {
        int n = 3 * size * size;
        double sum = 0;
        for (int i = 0; i < n; i++) sum += pixels[offset + i];
        double mean = sum / n;
        double c = 1 + augmentation.contrast() * (2 * u(CONTRAST, step, row) - 1);
        double b = augmentation.brightness() * (2 * u(BRIGHT, step, row) - 1);
        for (int i = 0; i < n; i++) pixels[offset + i] = (float) ((pixels[offset + i] - mean) * c + mean + b);
    }

    private void clamp(float[] pixels, int offset) {
        int n = 3 * size * size;
        for (int i = offset; i < offset + n; i++) pixels[i] = Math.max(LOW, Math.min(HIGH, pixels[i]));
    }

    /** Row i of the batch at {@code step} is mirrored when bit 0 of a hash of (seed, step, i) is set. */
    static java.util.function.IntPredicate flips(long seed, long step) {
        long key = seed ^ FLIP_SALT;
        return i -> (DropoutHash.mix(key, step, i) & 1) != 0;
    }

    static final long FLIP_SALT = 0x666C6970L;   // "flip": keeps flips apart from dropout masks
}
