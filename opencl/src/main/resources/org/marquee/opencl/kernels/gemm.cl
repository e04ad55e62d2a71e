// GEMM: C = alpha * op(A) * op(B) + beta * C, float32, row-major.
//
// Buffers (element offsets aOff/bOff/cOff into each):
//   A: (M, K), or (K, M) when transA      B: (K, N), or (N, K) when transB      C: (M, N)
// With beta == 0 the old contents of C are never read (they may be NaN).
//
// Two versions, tested against the reference backend side by side:
//   gemm_naive  one work-item computes one C[i][j] with a K-long dot product straight from global
//               memory. Global size (N, M), any local size.
//   gemm_tiled  one work-group of (TN/RN, TM/RM) = (16, 16) work-items computes a TM x TN = 64 x 64
//               block of C. The K dimension is walked in slices of TK: the group stages the
//               (TK, TM) slice of op(A) and the (TK, TN) slice of op(B) in local memory, then each
//               work-item accumulates an RM x RN = 4 x 4 register tile, rows ly + 16*r and columns
//               lx + 16*c, so neighbouring work-items touch neighbouring columns (PoCL turns the
//               loop over lx into one 16-lane vector). Global size (ceil(N/64)*16, ceil(M/64)*16).

#define A_AT(i, p) (transA ? A[aOff + (p) * M + (i)] : A[aOff + (i) * K + (p)])
#define B_AT(p, j) (transB ? B[bOff + (j) * K + (p)] : B[bOff + (p) * N + (j)])

__kernel void gemm_naive(int transA, int transB, int M, int N, int K, float alpha,
                         __global const float* A, int aOff,
                         __global const float* B, int bOff,
                         float beta, __global float* C, int cOff) {
    int j = get_global_id(0);
    int i = get_global_id(1);
    if (i >= M || j >= N) return;
    float sum = 0.0f;
    for (int p = 0; p < K; p++) sum += A_AT(i, p) * B_AT(p, j);
    int ci = cOff + i * N + j;
    C[ci] = alpha * sum + (beta == 0.0f ? 0.0f : beta * C[ci]);
}

#define TM 64
#define TN 64
#define TK 16
#define RM 4
#define RN 4
#define LX (TN / RN)
#define LY (TM / RM)

__kernel __attribute__((reqd_work_group_size(LX, LY, 1)))
void gemm_tiled(int transA, int transB, int M, int N, int K, float alpha,
                __global const float* A, int aOff,
                __global const float* B, int bOff,
                float beta, __global float* C, int cOff) {
    __local float As[TK][TM];   // (TK, TM): As[p][i] = op(A)[i0 + i][p0 + p]
    __local float Bs[TK][TN];   // (TK, TN): Bs[p][j] = op(B)[p0 + p][j0 + j]
    const int lx = get_local_id(0), ly = get_local_id(1);
    const int lid = ly * LX + lx;
    const int i0 = get_group_id(1) * TM, j0 = get_group_id(0) * TN;

    float acc[RM][RN];
    for (int r = 0; r < RM; r++)
        for (int c = 0; c < RN; c++) acc[r][c] = 0.0f;

    for (int p0 = 0; p0 < K; p0 += TK) {
        // Stage the slices; walk along whichever index is contiguous in memory.
        for (int e = lid; e < TK * TM; e += LX * LY) {
            int p = transA ? e / TM : e % TK;
            int i = transA ? e % TM : e / TK;
            int gi = i0 + i, gp = p0 + p;
            As[p][i] = (gi < M && gp < K) ? A_AT(gi, gp) : 0.0f;
        }
        for (int e = lid; e < TK * TN; e += LX * LY) {
            int p = transB ? e % TK : e / TN;
            int j = transB ? e / TK : e % TN;
            int gj = j0 + j, gp = p0 + p;
            Bs[p][j] = (gj < N && gp < K) ? B_AT(gp, gj) : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        #pragma unroll
        for (int p = 0; p < TK; p++) {
            float a[RM], b[RN];
            #pragma unroll
            for (int r = 0; r < RM; r++) a[r] = As[p][ly + LY * r];
            #pragma unroll
            for (int c = 0; c < RN; c++) b[c] = Bs[p][lx + LX * c];
            #pragma unroll
            for (int r = 0; r < RM; r++)
                #pragma unroll
                for (int c = 0; c < RN; c++) acc[r][c] = mad(a[r], b[c], acc[r][c]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    for (int r = 0; r < RM; r++) {
        int i = i0 + ly + LY * r;
        if (i >= M) continue;
        for (int c = 0; c < RN; c++) {
            int j = j0 + lx + LX * c;
            if (j >= N) continue;
            int ci = cOff + i * N + j;
            C[ci] = alpha * acc[r][c] + (beta == 0.0f ? 0.0f : beta * C[ci]);
        }
    }
}
