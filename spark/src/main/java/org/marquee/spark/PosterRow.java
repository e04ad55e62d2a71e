package org.marquee.spark;

import java.io.Serializable;

/**
 * One poster as a Spark record: its index in the data set, its pixels (3, S, S) as bytes 0..255
 * (decoded posters, as the poster cache keeps them) or as floats in [0, 1] (synthetic posters),
 * and its labels (G) as 0/1.
 */
record PosterRow(int index, byte[] bytes, float[] floats, float[] labels) implements Serializable {
    PosterRow {
        if ((bytes == null) == (floats == null)) throw new IllegalArgumentException("a poster has bytes or floats, not both");
    }

    static PosterRow ofBytes(int index, byte[] bytes, float[] labels) { return new PosterRow(index, bytes, null, labels); }
    static PosterRow ofFloats(int index, float[] floats, float[] labels) { return new PosterRow(index, null, floats, labels); }

    /** Writes the pixels as floats in [0, 1] to {@code out[offset ..]}, exactly as the poster cache reads them. */
    void pixels(float[] out, int offset) {
        if (floats != null) {
            System.arraycopy(floats, 0, out, offset, floats.length);
        } else {
            for (int i = 0; i < bytes.length; i++) out[offset + i] = (bytes[i] & 0xFF) / 255f;
        }
    }

    int pixelCount() { return floats != null ? floats.length : bytes.length; }
}
