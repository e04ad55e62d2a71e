package org.marquee.engine.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few pieces of the protocol buffers wire format that an ONNX file needs, written by hand:
 * every field is a tag (field number and wire type as a varint) followed by its value.
 *
 * <pre>
 *   wire type 0 (varint):            int32, int64, enums          value as a base-128 varint
 *   wire type 2 (length-delimited):  string, bytes, messages      length varint, then the bytes
 *   wire type 5 (32-bit):            float                        4 bytes, little-endian
 * </pre>
 * Fields are written in the order they are added, and a message is only ever encoded one way, so
 * the same content always gives the same bytes.
 */
final class ProtoWriter {
    private static final int VARINT = 0, LENGTH_DELIMITED = 2, FIXED32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** An int32, int64 or enum field (negative values take ten bytes, as protobuf encodes them). */
    ProtoWriter int64(int field, long value) {
        tag(field, VARINT);
        varint(value);
        return this;
    }

    /** A float field. */
    ProtoWriter float32(int field, float value) {
        tag(field, FIXED32);
        int bits = Float.floatToIntBits(value);
        for (int i = 0; i < 4; i++) out.write(bits >>> (8 * i));
        return this;
    }

    /** A string field, UTF-8. */
    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A bytes field. */
    ProtoWriter bytes(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        varint(value.length);
        out.writeBytes(value);
        return this;
    }

    /** An embedded message field. */
    ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.toByteArray());
    }

    /**
     * A repeated int64 field, one tag per value: onnx.proto is proto2, where repeated numbers are
     * not packed unless declared so (parsers accept either).
     */
    ProtoWriter int64s(int field, long... values) {
        for (long v : values) int64(field, v);
        return this;
    }

    byte[] toByteArray() { return out.toByteArray(); }

    private void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    /** Seven bits at a time, least significant first; the high bit says that more bytes follow. */
    private void varint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
