package org.marquee.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.marquee.engine.Tensor;
import org.marquee.engine.reference.ReferenceBackend;

class AugmenterTest {
    static final int S = 16, PLANE = S * S;
    static final long SEED = 5;

    static float[] noise(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] p = new float[3 * PLANE];
        for (int i = 0; i < p.length; i++) p[i] = (float) r.nextDouble();
        p[0] = 0f;
        p[1] = 1f;    // the extremes of the range
        return p;
    }

    /** v(c, i, j) = j / (S - 1): a left-to-right ramp, the same in every row and channel. */
    static float[] ramp() {
        float[] p = new float[3 * PLANE];
        for (int c = 0; c < 3; c++) for (int i = 0; i < S; i++) for (int j = 0; j < S; j++) p[c * PLANE + i * S + j] = j / (S - 1f);
        return p;
    }

    static float[] apply(Augmentation a, float[] image, long step, int row) {
        float[] p = image.clone();
        new Augmenter(a, SEED, S).apply(p, 0, step, row);
        return p;
    }

    static Augmentation only(String parts) { return Augmentation.parse(parts); }

    @Test
    void noneLeavesThePosterAlone() {
        float[] image = noise(1);
        assertArrayEquals(image, apply(Augmentation.none(), image, 3, 2));
        float[] framed = new float[3 * PLANE + 10];
        System.arraycopy(image, 0, framed, 5, image.length);
        float[] copy = framed.clone();
        new Augmenter(Augmentation.all(), SEED, S).apply(framed, 5, 3, 2);
        assertArrayEquals(Arrays.copyOf(copy, 5), Arrays.copyOf(framed, 5), "nothing before the poster is touched");
        assertArrayEquals(Arrays.copyOfRange(copy, 5 + 3 * PLANE, copy.length), Arrays.copyOfRange(framed, 5 + 3 * PLANE, framed.length),
                "nor after it");
    }

    @Test
    void theKeyAloneDecides() {
        float[] image = noise(2);
        Augmentation real = Augmentation.all();
        float[] a = apply(real, image, 7, 3);
        assertArrayEquals(a, apply(real, image, 7, 3), "same (seed, step, row), same poster");
        Augmenter shared = new Augmenter(real, SEED, S);
        float[] other = image.clone();
        shared.apply(other, 0, 99, 0);        // an earlier call leaves no state behind
        float[] again = image.clone();
        shared.apply(again, 0, 7, 3);
        assertArrayEquals(a, again);
        assertFalse(Arrays.equals(a, apply(real, image, 8, 3)), "another step draws again");
        assertFalse(Arrays.equals(a, apply(real, image, 7, 4)), "another row draws again");
        float[] otherSeed = image.clone();
        new Augmenter(real, SEED + 1, S).apply(otherSeed, 0, 7, 3);
        assertFalse(Arrays.equals(a, otherSeed), "another seed draws again");
    }

    @Test
    void aConstantPosterStaysExactlyConstantUnderCropAndShift() {
        float[] grey = new float[3 * PLANE];
        Arrays.fill(grey, 0.37f);
        for (long step = 0; step < 20; step++) {
            assertArrayEquals(grey, apply(only("crop,shift,flip"), grey, step, 1), "step " + step);
        }
    }

    @Test
    void everyPixelStaysInTheDataRange() {
        float[] white = new float[3 * PLANE];
        Arrays.fill(white, 1f);
        for (long step = 0; step < 50; step++) {
            for (float[] image : new float[][] {noise(step), white}) {
                for (float v : apply(Augmentation.all(), image, step, (int) step % 4)) {
                    assertTrue(v >= Augmenter.LOW && v <= Augmenter.HIGH, "pixel " + v + " at step " + step);
                }
            }
        }
    }

    @Test
    void theFlipIsTheFlipOptionBitForBit() {
        float[] image = noise(3);
        for (long step = 0; step < 40; step++) {
            var flips = Augmenter.flips(SEED, step);
            for (int row = 0; row < 8; row++) {
                float[] expected = image.clone();
                if (flips.test(row)) BatchLoader.mirror(expected, 0, 3 * S, S);
                assertArrayEquals(expected, apply(only("flip"), image, step, row), "step " + step + " row " + row);
            }
        }
    }

    @Test
    void theCropZoomsIntoAWindowOfTheAllowedSize() {
        float[] ramp = ramp();
        Set<Float> starts = new HashSet<>();
        for (long step = 0; step < 40; step++) {
            float[] p = apply(only("crop"), ramp, step, 0);
            // the ramp resampled over a window of width w spans w / S of the range (less up to half a
            // pixel at each edge, where samples are clamped), rising along every row
            float span = p[S - 1] - p[0];
            double smallest = Math.sqrt(Augmentation.CROP_SCALE_MIN / Augmentation.ASPECT_JITTER) - 1.0 / (S - 1);
            assertTrue(span >= smallest && span <= 1 + 1e-6, "span " + span + " at step " + step);
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < S; i++) {
                    for (int j = 1; j < S; j++) assertTrue(p[c * PLANE + i * S + j] >= p[c * PLANE + i * S + j - 1]);
                    assertEquals(p[0], p[c * PLANE + i * S], 1e-6, "columns are still constant");
                }
            }
            starts.add(p[0]);
        }
        assertTrue(starts.size() > 30, "the window moves: " + starts.size() + " distinct left edges");
    }

    @Test
    void theShiftMovesByAFewWholePixelsAndRepeatsTheEdge() {
        float[] ramp = ramp();
        Set<Integer> seen = new HashSet<>();
        for (long step = 0; step < 60; step++) {
            float[] p = apply(only("shift"), ramp, step, 0);
            int dx = Math.round((p[S / 2] - ramp[S / 2]) * (S - 1)) * -1;
            assertTrue(Math.abs(dx) <= Augmentation.SHIFT_PIXELS, "dx " + dx);
            for (int j = 0; j < S; j++) {
                int from = Math.max(0, Math.min(S - 1, j - dx));
                assertEquals(ramp[from], p[j], 0f, "step " + step + " column " + j);
            }
            seen.add(dx);
        }
        assertEquals(2 * Augmentation.SHIFT_PIXELS + 1, seen.size(), "every shift from -4 to 4 occurs: " + seen);
    }

    @Test
    void colourScalesAroundTheMeanAndShiftsEveryChannelAlike() {
        SplittableRandom r = new SplittableRandom(4);
        float[] image = new float[3 * PLANE];
        for (int i = 0; i < image.length; i++) image[i] = (float) (0.3 + 0.4 * r.nextDouble());   // far from the clamps
        image[0] = 0.3f;
        image[1] = 0.7f;
        double mean = 0;
        for (float v : image) mean += v;
        mean /= image.length;
        float[] p = apply(only("color"), image, 11, 2);
        // v' = (v - m) c + m + b: a straight line through the pixels
        double c = (p[1] - p[0]) / (double) (image[1] - image[0]);
        double b = p[0] - (image[0] - mean) * c - mean;
        assertTrue(c >= 1 - Augmentation.CONTRAST && c <= 1 + Augmentation.CONTRAST && c != 1, "contrast " + c);
        assertTrue(Math.abs(b) <= Augmentation.BRIGHTNESS && b != 0, "brightness " + b);
        for (int i = 0; i < image.length; i++) assertEquals((image[i] - mean) * c + mean + b, p[i], 1e-5, "pixel " + i);
    }

    @Test
    void batchLoaderAugmentsEachRowByItsPlaceInTheBatch() {
        TinyPosters data = new TinyPosters(6, S, 2, 1);
        Augmenter augmenter = new Augmenter(Augmentation.all(), SEED, S);
        try (ReferenceBackend backend = new ReferenceBackend(); BatchLoader loader = new BatchLoader(data, backend, 4)) {
            int[] order = {5, 0, 3, 1, 2, 4};
            loader.load(order, 2, 4, augmenter, 9);
            float[] expected = new float[4 * 3 * PLANE];
            data.fillBatch(new int[] {3, 1, 2, 4}, expected, new float[8]);
            for (int i = 0; i < 4; i++) new Augmenter(Augmentation.all(), SEED, S).apply(expected, i * 3 * PLANE, 9, i);
            Tensor images = loader.images();
            assertArrayEquals(expected, images.toFloats());
            loader.load(order, 2, 4);
            float[] plain = new float[4 * 3 * PLANE];
            data.fillBatch(new int[] {3, 1, 2, 4}, plain, new float[8]);
            assertArrayEquals(plain, loader.images().toFloats(), "batches loaded without an augmenter are untouched");
        }
    }

    @Test
    void aPrefetchedBatchIsTheBatchLoadedWithoutOne() {
        TinyPosters data = new TinyPosters(12, S, 2, 1);
        int[] order = {5, 0, 3, 1, 2, 4, 11, 7, 9, 6, 8, 10};
        try (ReferenceBackend backend = new ReferenceBackend();
             BatchLoader ahead = new BatchLoader(data, backend, 4);
             BatchLoader plain = new BatchLoader(data, backend, 4)) {
            Augmenter a1 = new Augmenter(Augmentation.all(), SEED, S), a2 = new Augmenter(Augmentation.all(), SEED, S);
            for (int s = 0; s < 3; s++) {
                ahead.load(order, 4 * s, 4, a1, 20 + s);
                ahead.prefetch(order, 4 * s + 4, a1, 21 + s);     // the last one: fewer than 4 rows left, none
                plain.load(order, 4 * s, 4, a2, 20 + s);
                assertArrayEquals(plain.images().toFloats(), ahead.images().toFloats(), "step " + s + ": pixels");
                assertArrayEquals(plain.hostLabels(), ahead.hostLabels(), "step " + s + ": labels");
            }
            // a prefetch that is not what is loaded next (another step, as at a resume) is set aside
            ahead.prefetch(order, 4, a1, 99);
            ahead.load(order, 4, 4, a1, 21);
            plain.load(order, 4, 4, a2, 21);
            assertArrayEquals(plain.images().toFloats(), ahead.images().toFloats(), "a mismatched prefetch is not used");
            ahead.prefetch(order, 8, a1, 22);
            ahead.load(order, 8, 3, a1, 22);
            plain.load(order, 8, 3, a2, 22);
            assertArrayEquals(plain.images().toFloats(), ahead.images().toFloats(), "a short batch is prepared as asked");
        }
    }

    @Test
    void parsesTheCommandLineAndChecksTheRanges() {
        assertEquals(Augmentation.none(), Augmentation.parse("none"));
        assertTrue(Augmentation.parse("none").isNone());
        assertEquals(Augmentation.all(), Augmentation.parse("all"));
        assertEquals(Augmentation.all(), Augmentation.parse("flip, color,shift,crop"));
        assertEquals(Augmentation.realPreset(), Augmentation.parse("real"));
        assertEquals(Augmentation.parse("crop,flip"), Augmentation.parse("real"), "the preset is what helped on real posters");
        assertEquals(new Augmentation(0.6, 4.0 / 3, 0, 0, 0, true), Augmentation.parse("crop,flip"));
        assertEquals("crop, flip", Augmentation.parse("crop,flip").describe());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("crop,hue"));
        assertTrue(e.getMessage().startsWith("--augment must be none, real, all or") && e.getMessage().contains("'hue' is unknown"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Augmentation.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("crop,"));
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(0, 1, 0, 0, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(1, 0.9, 0, 0, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(1, 1, -1, 0, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(1, 1, 0, Double.NaN, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(1, 1, 0, 0, 0.6, false));
    }
}
