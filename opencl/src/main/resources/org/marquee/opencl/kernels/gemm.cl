// GEMM: C = alpha * op(A) * op(B) + beta * C, float32, row-major.
//
// Buffers (element offsets aOff/bOff/cOff into each):
//   A: (M, K), or (K, M) when transA      B: (K, N), or (N, K) when transB      C: (M, N)
// With beta == 0 the old contents of C are never read (they may be NaN).
//
// Two versions, tested against the reference backend side by side:
//   gemm_naive  one work-item computes one C[i][j] with a K-long dot product straight from global
//               memory. Global size (N, M), any local size.
//   gemm_tiled_{nn,nt,tn,tt}  (n = as stored, t = transposed; first letter A, second B)
//               one work-group of (TN/RN, TM/RM) = (2, 8) work-items computes a TM x TN = 64 x 64
//               block of C. K is walked in slices of TK = 32: the group stages the op(A) and op(B)
//               slices in local memory with 16-wide copies, zero-padding at the edges, so the
//               inner loop needs no bounds checks. Each work-item then accumulates an
//               RM x RN = 8 x 32 register tile as 16 float16 vectors (one AVX-512 register each on
//               PoCL's CPU device): per p, two 16-wide loads of Bs and 8 broadcasts of As feed
//               16 FMAs. A CPU runs a work-group's work-items as a loop, so few work-items with
//               much explicit vector work each suit it better than many scalar ones.
//               Global size (ceil(N/TN)*2, ceil(M/TM)*8), local size (2, 8).

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
#define TK 64
#define RM 8
#define RN 32
#define LX (TN / RN)
#define LY (TM / RM)
#define WG (LX * LY)

// As holds the op(A) slice in the layout A has in memory, so that staging is a straight copy:
// (TM, TK) rows of A when A is (M, K), (TK, TM) rows when A is (K, M). Bs is always (TK, TN).
#define AS(i, p) (transA ? As[(p) * TM + (i)] : As[(i) * TK + (p)])

// transA and transB are compile-time constants in each of the four kernels below, so the
// compiler keeps one branch of every test.
inline void gemm_tiled_body(const int transA, const int transB, int M, int N, int K, float alpha,
                            __global const float* A, int aOff, __global const float* B, int bOff,
                            float beta, __global float* C, int cOff,
                            __local float* As, __local float* Bs, __local float* Cs) {
    const int lx = get_local_id(0), ly = get_local_id(1);
    const int lid = ly * LX + lx;
    const int i0 = get_group_id(1) * TM, j0 = get_group_id(0) * TN;
    const bool fullM = i0 + TM <= M, fullN = j0 + TN <= N;   // this block lies inside C

    // Running sums live in local memory between K slices; inside a slice each work-item keeps its
    // tile in registers (private variables that do not live across a barrier stay in registers
    // on PoCL; ones that do are spilled to per-work-item arrays).
    const int rows = min(RM, M - i0 - ly * RM);          // rows of this work-item's tile inside C
    for (int r = 0; r < RM; r++) {
        vstore16((float16) 0.0f, 0, Cs + (ly * RM + r) * TN + lx * RN);
        vstore16((float16) 0.0f, 0, Cs + (ly * RM + r) * TN + lx * RN + 16);
    }

    for (int p0 = 0; p0 < K; p0 += TK) {
        const int kLen = min(TK, K - p0);
        // Stage op(A) (TM x kLen) and op(B) (kLen x TN), zero outside the matrices.
        if (!transA) {                                   // A (M, K): copy TM rows of TK
            for (int i = lid; i < TM; i += WG) {
                int gi = i0 + i;
                __global const float* src = A + aOff + gi * K + p0;
                if (gi < M && kLen == TK) {
                    for (int q = 0; q < TK; q += 16) vstore16(vload16(0, src + q), 0, As + i * TK + q);
                } else {
                    for (int p = 0; p < kLen; p++) As[i * TK + p] = gi < M ? src[p] : 0.0f;
                }
            }
        } else {                                         // A (K, M): copy TK rows of TM
            for (int p = lid; p < kLen; p += WG) {
                __global const float* src = A + aOff + (p0 + p) * M + i0;
                if (fullM) {
                    for (int q = 0; q < TM; q += 16) vstore16(vload16(0, src + q), 0, As + p * TM + q);
                } else {
                    for (int i = 0; i < TM; i++) As[p * TM + i] = i0 + i < M ? src[i] : 0.0f;
                }
            }
        }
        if (!transB) {                                   // B (K, N): copy TK rows of TN
            for (int p = lid; p < kLen; p += WG) {
                __global const float* src = B + bOff + (p0 + p) * N + j0;
                if (fullN) {
                    for (int q = 0; q < TN; q += 16) vstore16(vload16(0, src + q), 0, Bs + p * TN + q);
                } else {
                    for (int j = 0; j < TN; j++) Bs[p * TN + j] = j0 + j < N ? src[j] : 0.0f;
                }
            }
        } else {                                         // B (N, K): transpose TN rows of TK
            for (int j = lid; j < TN; j += WG) {
                int gj = j0 + j;
                __global const float* src = B + bOff + gj * K + p0;
                for (int p = 0; p < kLen; p++) Bs[p * TN + j] = gj < N ? src[p] : 0.0f;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        if (rows > 0) {
            __local float* cs = Cs + ly * RM * TN + lx * RN;
            float16 c0[RM], c1[RM];   // row ly*RM + r, columns lx*RN + 0..15 and lx*RN + 16..31
            #pragma unroll
            for (int r = 0; r < RM; r++) { c0[r] = vload16(0, cs + r * TN); c1[r] = vload16(0, cs + r * TN + 16); }
            for (int p = 0; p < kLen; p++) {
                float16 b0 = vload16(0, Bs + p * TN + lx * RN);
                float16 b1 = vload16(0, Bs + p * TN + lx * RN + 16);
                #pragma unroll
                for (int r = 0; r < RM; r++) {
                    float16 a = (float16) AS(ly * RM + r, p);
                    c0[r] = mad(a, b0, c0[r]);
                    c1[r] = mad(a, b1, c1[r]);
                }
            }
            #pragma unroll
            for (int r = 0; r < RM; r++) { vstore16(c0[r], 0, cs + r * TN); vstore16(c1[r], 0, cs + r * TN + 16); }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    for (int r = 0; r < rows; r++) {
        int i = i0 + ly * RM + r;
        int j = j0 + lx * RN;
        __local const float* cs = Cs + (ly * RM + r) * TN + lx * RN;
        __global float* dst = C + cOff + i * N + j;
        if (j + RN <= N) {
            float16 o0 = alpha * vload16(0, cs), o1 = alpha * vload16(0, cs + 16);
            if (beta != 0.0f) {
                o0 += beta * vload16(0, dst);
                o1 += beta * vload16(0, dst + 16);
            }
            vstore16(o0, 0, dst);
            vstore16(o1, 0, dst + 16);
        } else {
            for (int c = 0; c < RN && j + c < N; c++) {
                dst[c] = alpha * cs[c] + (beta == 0.0f ? 0.0f : beta * dst[c]);
            }
        }
    }
}

#define GEMM_TILED(name, TA, TB)                                                                 \
__kernel __attribute__((reqd_work_group_size(LX, LY, 1)))                                        \
void name(int M, int N, int K, float alpha, __global const float* A, int aOff,                   \
          __global const float* B, int bOff, float beta, __global float* C, int cOff) {          \
    __local float As[TM * TK];                                                                   \
    __local float Bs[TK * TN];                                                                   \
    __local float Cs[TM * TN];                                                                   \
    gemm_tiled_body(TA, TB, M, N, K, alpha, A, aOff, B, bOff, beta, C, cOff, As, Bs, Cs);        \
}

GEMM_TILED(gemm_tiled_nn, 0, 0)
GEMM_TILED(gemm_tiled_nt, 0, 1)
GEMM_TILED(gemm_tiled_tn, 1, 0)
GEMM_TILED(gemm_tiled_tt, 1, 1)
