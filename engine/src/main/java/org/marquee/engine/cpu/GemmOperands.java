package org.marquee.engine.cpu;

/**
 * The operands of one product C = alpha·op(A)·op(B) + beta·C besides C and beta: op(A) is
 * (m, depth), op(B) (depth, n). A is stored (m, depth) row-major, or (depth, m) when
 * {@code transA}; B is stored (depth, n), or (n, depth) when {@code transB}. Built once per call
 * and shared by every block of the product; each block gets its own target (C, or a worker's
 * partial product), its beta and its ranges ({@link VectorGemm.Region}).
 *
 * @param transA whether A is stored transposed, (depth, m)
 * @param transB whether B is stored transposed, (n, depth)
 * @param m      rows of op(A) and C
 * @param n      columns of op(B) and C (C's rows are n apart)
 * @param depth  the reduction length K
 * @param alpha  the factor on the product
 * @param a      A's storage
 * @param b      B's storage
 */
record GemmOperands(boolean transA, boolean transB, int m, int n, int depth, float alpha, Slice a, Slice b) {
    /** The distance between consecutive stored rows of A: depth, or m when transposed. */
    int lda() { return transA ? m : depth; }

    /** The distance between consecutive stored rows of B: n, or depth when transposed. */
    int ldb() { return transB ? depth : n; }
}
