package org.marquee.opencl;

/**
 * The shapes one tuned choice covers: a transpose case and M, N, K each rounded up to a power of
 * two. The poster model's eleven GEMMs fall in eleven classes; nearby shapes (a different batch
 * size in dense1, a smaller test image) share the choice of the model shape above them.
 * Written {@code nt:64x512x16384} in the tuning cache.
 */
record GemmShapeClass(boolean transA, boolean transB, int m, int n, int k) {
    static GemmShapeClass of(boolean transA, boolean transB, int m, int n, int k) {
        return new GemmShapeClass(transA, transB, bucket(m), bucket(n), bucket(k));
    }

    /** The smallest power of two >= x (x >= 1). */
    static int bucket(int x) {
        if (x < 1) throw new IllegalArgumentException("GEMM sizes must be positive: " + x);
        return x == 1 ? 1 : Integer.highestOneBit(x - 1) << 1;
    }

    @Override
    public String toString() { return "" + (transA ? 't' : 'n') + (transB ? 't' : 'n') + ":" + m + "x" + n + "x" + k; }

    /**
     * Parses {@link #toString()}'s form.
     *
     * @throws IllegalArgumentException when {@code s} is not {@code [nt][nt]:MxNxK} with powers of two
     */
    static GemmShapeClass parse(String s) {
        String[] parts = s.split(":", -1);
        if (parts.length != 2 || !parts[0].matches("[nt][nt]")) throw new IllegalArgumentException("not a shape class: \"" + s + "\"");
        String[] sizes = parts[1].split("x", -1);
        if (sizes.length != 3) throw new IllegalArgumentException("not a shape class (MxNxK): \"" + s + "\"");
        int[] v = new int[3];
        for (int i = 0; i < 3; i++) {
            try {
                v[i] = Integer.parseInt(sizes[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a shape class (MxNxK): \"" + s + "\"", e);
            }
            if (v[i] < 1 || Integer.bitCount(v[i]) != 1) throw new IllegalArgumentException("not a power of two in \"" + s + "\"");
        }
        return new GemmShapeClass(parts[0].charAt(0) == 't', parts[0].charAt(1) == 't', v[0], v[1], v[2]);
    }
}
