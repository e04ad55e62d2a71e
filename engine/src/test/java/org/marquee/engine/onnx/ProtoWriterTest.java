package org.marquee.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The wire format, byte for byte, against the examples of the protocol buffers encoding guide. */
class ProtoWriterTest {
    private static byte[] bytes(int... b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) r[i] = (byte) b[i];
        return r;
    }

    @Test
    void varints() {
        assertArrayEquals(bytes(0x08, 0x96, 0x01), new ProtoWriter().int64(1, 150).toByteArray(), "field 1 = 150");
        assertArrayEquals(bytes(0x08, 0x00), new ProtoWriter().int64(1, 0).toByteArray());
        assertArrayEquals(bytes(0xA0, 0x01, 0x07), new ProtoWriter().int64(20, 7).toByteArray(), "field 20 needs a two-byte tag");
        assertArrayEquals(bytes(0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01),
                new ProtoWriter().int64(1, -1).toByteArray(), "a negative number takes ten bytes");
    }

    @Test
    void stringsMessagesAndFloats() {
        assertArrayEquals(bytes(0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'), new ProtoWriter().string(2, "testing").toByteArray());
        assertArrayEquals(bytes(0x1A, 0x03, 0x08, 0x96, 0x01), new ProtoWriter().message(3, new ProtoWriter().int64(1, 150)).toByteArray());
        assertArrayEquals(bytes(0x15, 0x00, 0x00, 0x80, 0x3F), new ProtoWriter().float32(2, 1f).toByteArray(), "1.0f little-endian");
        assertArrayEquals(bytes(0x08, 0x01, 0x08, 0x02, 0x08, 0x03), new ProtoWriter().int64s(1, 1, 2, 3).toByteArray(), "unpacked");
    }
}
