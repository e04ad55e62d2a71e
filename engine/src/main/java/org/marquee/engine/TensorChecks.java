package org.marquee.engine;

/**
 * The argument checks every backend makes on the tensors a primitive is given, written once so
 * that every backend refuses the same mistakes with the same message.
 */
public final class TensorChecks {
    private TensorChecks() {}

    /**
     * Checks that {@code t} holds at least {@code n} elements.
     *
     * @param what what the tensor is, for the message (e.g. "conv bias")
     * @param t    the tensor
     * @param n    the elements needed
     * @throws IllegalArgumentException naming the tensor, its size and the size needed
     */
    public static void requireSize(String what, Tensor t, long n) {
        if (t.size() < n) throw new IllegalArgumentException(what + ": tensor " + t + " holds " + t.size() + " elements, needs " + n);
    }

    /**
     * Checks that {@code a} and {@code b} hold as many elements.
     *
     * @param op the primitive, for the message
     * @param a  one tensor
     * @param b  the other
     * @throws IllegalArgumentException naming both tensors
     */
    public static void sameSize(String op, Tensor a, Tensor b) {
        if (a.size() != b.size()) throw new IllegalArgumentException(op + ": " + a + " and " + b + " differ in size");
    }

    /**
     * Checks that an upload of {@code length} values fills {@code dst} exactly.
     *
     * @param dst    the tensor uploaded into
     * @param length the values uploaded
     * @throws IllegalArgumentException naming both sizes
     */
    public static void requireUploadLength(Tensor dst, int length) {
        if (dst.size() != length) throw new IllegalArgumentException("upload of " + length + " values into " + dst + " of size " + dst.size());
    }
}
