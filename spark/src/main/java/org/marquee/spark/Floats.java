package org.marquee.spark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Float arrays as little-endian bytes for Spark to move: Java serialization writes a byte[] as one
 * block but a float[] a value at a time, several times slower for the 44.7 MB of weights and of
 * each shard's gradient that every step moves.
 */
final class Floats {
    private Floats() {}

    static byte[] toBytes(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    static float[] fromBytes(byte[] bytes) {
        if (bytes.length % 4 != 0) throw new IllegalArgumentException(bytes.length + " bytes are not whole floats");
        float[] values = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
