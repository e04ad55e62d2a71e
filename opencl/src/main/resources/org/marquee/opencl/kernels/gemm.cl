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
//               block of C. K is walked in slices of TK = 64: the group stages the op(A) and op(B)
//               slices in local memory (16-wide copies; a short last slice just runs fewer steps;
//               past the M and N edges only rows and columns of C that are never written are
//               computed), so the inner loop needs no bounds checks. Each work-item then accumulates an RM x RN = 8 x 32 register tile
//               as 16 float16 vectors (one AVX-512 register each on PoCL's CPU device): per p, two
//               16-wide loads of Bs and 8 broadcasts of As feed 16 FMAs. Between slices the tile
//               waits in local Cs (TM, TN): PoCL keeps private variables that live across a
//               barrier in memory, so the registers are loaded and stored once per slice instead
//               (not before the first slice nor after the last, which writes C directly).
//               A CPU runs a work-group's work-items as a loop, so few work-items with much
//               explicit vector work each suit it better than many scalar ones (measured: 16x16
//               work-items with 4x4 scalar tiles ran at under 1 GFLOP/s, this at 40-90).
//               Global size (ceil(N/TN)*2, ceil(M/TM)*8, S), local size (2, 8, 1).
//               Split K: when C has too few blocks to keep every compute unit busy (dense1:
//               32 x 128 is 2 blocks), the host runs S groups per block along z, group z summing
//               p in [z*kChunk, (z+1)*kChunk) into slab z of a scratch (S, M, N) buffer, and
//               reduce.cl's gemm_sum_slabs adds the slabs into C. Without splitting S = 1 and kChunk >= K.
//               Local memory: As (TM*TK) + Bs (TK*TN) + Cs (TM*TN) floats = 48 KiB.

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

// dst[0..len) = src[0..len) and zeros up to the next multiple of 16 (the slices' rows are
// multiples of 16 long), 16 floats per step.
inline void copy_row(__global const float* src, __local float* dst, int len) {
    int q = 0;
    for (; q + 16 <= len; q += 16) vstore16(vload16(0, src + q), 0, dst + q);
    if (q < len) {
        for (int t = q; t < q + 16; t++) dst[t] = t < len ? src[t] : 0.0f;
    }
}

inline void zero_row(__local float* dst, int len) {
    for (int q = 0; q < len; q += 16) vstore16((float16) 0.0f, 0, dst + q);
}

// transA and transB are compile-time constants in each of the four kernels below, so the
// compiler keeps one branch of every test.
inline void gemm_tiled_body(const int transA, const int transB, int M, int N, int K, float alpha,
                            __global const float* A, int aOff, __global const float* B, int bOff,
                            float beta, __global float* C, int cOff, int kChunk,
                            __local float* As, __local float* Bs, __local float* Cs) {
    const int lx = get_local_id(0), ly = get_local_id(1);
    const int lid = ly * LX + lx;
    const int i0 = get_group_id(1) * TM, j0 = get_group_id(0) * TN;
    const bool fullM = i0 + TM <= M, fullN = j0 + TN <= N;   // this block lies inside C

    // Running sums live in local memory between K slices; inside a slice each work-item keeps its
    // tile in registers (private variables that do not live across a barrier stay in registers
    // on PoCL; ones that do are spilled to per-work-item arrays).
    const int rows = min(RM, M - i0 - ly * RM);          // rows of this work-item's tile inside C
    // Split K: group z sums p in [pBegin, pEnd) into its own (M, N) slab of C.
    const int pBegin = get_group_id(2) * kChunk, pEnd = min(K, pBegin + kChunk);
    cOff += get_group_id(2) * M * N;

    for (int p0 = pBegin; p0 < pEnd; p0 += TK) {
        const int kLen = min(TK, pEnd - p0);
        // Stage op(A) (TM x kLen) and op(B) (kLen x TN). Past the M and N edges the slices may
        // hold stale values: they only reach rows and columns of the tile that are never written.
        if (!transA) {                                   // A (M, K): copy TM rows of kLen
            for (int i = lid; i < TM; i += WG) {
                int gi = i0 + i;
                if (gi < M) copy_row(A + aOff + gi * K + p0, As + i * TK, kLen);
                else zero_row(As + i * TK, TK);
            }
        } else {                                         // A (K, M): copy kLen rows of TM
            for (int p = lid; p < kLen; p += WG) {
                copy_row(A + aOff + (p0 + p) * M + i0, As + p * TM, fullM ? TM : M - i0);
            }
        }
        if (!transB) {                                   // B (K, N): copy kLen rows of TN
            for (int p = lid; p < kLen; p += WG) {
                copy_row(B + bOff + (p0 + p) * N + j0, Bs + p * TN, fullN ? TN : N - j0);
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
            const bool first = p0 == pBegin, last = p0 + TK >= pEnd;
            __local float* cs = Cs + ly * RM * TN + lx * RN;
            float16 c0[RM], c1[RM];   // row ly*RM + r, columns lx*RN + 0..15 and lx*RN + 16..31
            #pragma unroll
            for (int r = 0; r < RM; r++) {
                c0[r] = first ? (float16) 0.0f : vload16(0, cs + r * TN);
                c1[r] = first ? (float16) 0.0f : vload16(0, cs + r * TN + 16);
            }
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
            if (!last) {
                #pragma unroll
                for (int r = 0; r < RM; r++) { vstore16(c0[r], 0, cs + r * TN); vstore16(c1[r], 0, cs + r * TN + 16); }
            } else {
                // C = alpha * sum + beta * C, straight from the registers.
                const int j = j0 + lx * RN;
                for (int r = 0; r < rows; r++) {
                    __global float* dst = C + cOff + (i0 + ly * RM + r) * N + j;
                    if (j + RN <= N) {
                        float16 o0 = alpha * c0[r], o1 = alpha * c1[r];
                        if (beta != 0.0f) {
                            o0 += beta * vload16(0, dst);
                            o1 += beta * vload16(0, dst + 16);
                        }
                        vstore16(o0, 0, dst);
                        vstore16(o1, 0, dst + 16);
                    } else {
                        float out[RN];
                        vstore16(c0[r], 0, out);
                        vstore16(c1[r], 0, out + 16);
                        for (int c = 0; c < RN && j + c < N; c++) {
                            dst[c] = alpha * out[c] + (beta == 0.0f ? 0.0f : beta * dst[c]);
                        }
                    }
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

#define GEMM_TILED(name, TA, TB)                                                                 \
__kernel __attribute__((reqd_work_group_size(LX, LY, 1)))                                        \
void name(int M, int N, int K, float alpha, __global const float* A, int aOff,                   \
          __global const float* B, int bOff, float beta, __global float* C, int cOff,            \
          int kChunk) {                                                                          \
    __local float As[TM * TK];                                                                   \
    __local float Bs[TK * TN];                                                                   \
    __local float Cs[TM * TN];                                                                   \
    gemm_tiled_body(TA, TB, M, N, K, alpha, A, aOff, B, bOff, beta, C, cOff, kChunk, As, Bs, Cs);\
}

GEMM_TILED(gemm_tiled_nn, 0, 0)
GEMM_TILED(gemm_tiled_nt, 0, 1)
GEMM_TILED(gemm_tiled_tn, 1, 0)
GEMM_TILED(gemm_tiled_tt, 1, 1)
