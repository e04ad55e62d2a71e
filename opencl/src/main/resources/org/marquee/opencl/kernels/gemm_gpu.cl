// GEMM for GPUs: C = alpha * op(A) * op(B) + beta * C, float32, row-major, the same contract as
// gemm.cl (element offsets aOff/bOff/cOff; with beta == 0 the old contents of C are never read).
//
//   A: (M, K), or (K, M) when transA      B: (K, N), or (N, K) when transB      C: (M, N)
//
// gemm_gpu_{nn,nt,tn,tt}  (n = as stored, t = transposed; first letter A, second B)
// A GPU runs a work-group's work-items side by side in warps (32 lanes on NVIDIA, 64 on AMD) and
// hides memory latency by keeping many warps in flight, so this kernel wants the opposite of
// gemm.cl's CPU shape: many work-items, few registers each, loads that neighbouring lanes share.
//
// Blocking, all compile-time constants (-D options; each variant is its own program build):
//   MWG x NWG   the block of C one work-group computes (rows x columns)
//   KWG         K is walked in slices of KWG, staged in local memory
//   MDIMC, NDIMC  work-group size (NDIMC, MDIMC, 1): x runs along N, y along M
//   MWI = MWG / MDIMC, NWI = NWG / NDIMC  results per work-item (2-D register blocking)
//   PAD         floats of padding after each row of the local slices
//
// Work-item (tx, ty) owns rows ty + r*MDIMC (r < MWI) and columns tx + c*NDIMC (c < NWI) of the
// block: strided, not a contiguous MWI x NWI patch, so that in every step the lanes of a warp
// read consecutive local addresses of Bs (no bank conflicts) and one or two addresses of As
// (broadcast), and the final stores of C are coalesced (consecutive tx, consecutive columns).
// Per p of a slice a work-item loads MWI + NWI floats from local memory and does MWI * NWI
// FMAs from registers: 4 x 4 gives 16 FMAs for 8 loads, 8 x 8 gives 64 for 16.
//
// Staging: the slices are kept K-major in local memory, As[p][i] (KWG, MWG + PAD) and Bs[p][j]
// (KWG, NWG + PAD), whatever the layout of A and B. The work-group copies each slice as one flat
// range of MWG*KWG (or KWG*NWG) elements, numbered so that consecutive work-items read
// consecutive global addresses in each transpose case (along K for A as (M, K) and B as (N, K),
// along M or N otherwise): global loads are coalesced. In the two cases read along K the local
// stores go down a column of As or Bs; PAD = 1 makes the row length odd, so those stores fall in
// different banks. Elements past M, N or the end of the K range are stored as zeros, so the
// inner loop needs no bounds checks and a short last slice just adds zeros; only the stores of C
// are guarded. Loads are scalar: element offsets may have any alignment, and coalescing across
// the lanes already makes full memory transactions.
//
// Split K: when C has too few blocks to fill the device (dense1: 32 x 128 is one or two blocks,
// K = 86,528; the weight gradients' K is 2,704 to 49,284), the host runs S groups per block along
// z, group z summing p in [z*kChunk, (z+1)*kChunk) into slab z of a scratch (S, M, N) buffer with
// alpha 1 and beta 0, and reduce.cl's gemm_sum_slabs adds the slabs into C. Without splitting
// S = 1 and kChunk >= K.
//
// Every variant sums each element's products in increasing p (per slab), so the variants agree
// with each other and with the reference up to float rounding.
//
// Global size (ceil(N/NWG)*NDIMC, ceil(M/MWG)*MDIMC, S), local size (NDIMC, MDIMC, 1).
// Local memory: KWG * (MWG + PAD + NWG + PAD) floats.

#ifndef MWG
#define MWG 64
#endif
#ifndef NWG
#define NWG 64
#endif
#ifndef KWG
#define KWG 16
#endif
#ifndef MDIMC
#define MDIMC 16
#endif
#ifndef NDIMC
#define NDIMC 16
#endif
#ifndef PAD
#define PAD 1
#endif

#define MWI (MWG / MDIMC)
#define NWI (NWG / NDIMC)
#define WG (MDIMC * NDIMC)
#define LDA (MWG + PAD)
#define LDB (NWG + PAD)

#if MWG % MDIMC != 0 || NWG % NDIMC != 0
#error "MWG must be a multiple of MDIMC and NWG a multiple of NDIMC"
#endif

// transA and transB are compile-time constants in each of the four kernels below, so the
// compiler keeps one branch of every test.
inline void gemm_gpu_body(const int transA, const int transB, int M, int N, int K, float alpha,
                          __global const float* A, int aOff, __global const float* B, int bOff,
                          float beta, __global float* C, int cOff, int kChunk,
                          __local float* As, __local float* Bs) {
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int lid = ty * NDIMC + tx;
    const int i0 = get_group_id(1) * MWG, j0 = get_group_id(0) * NWG;
    // Split K: group z sums p in [pBegin, pEnd) into its own (M, N) slab of C.
    const int pBegin = get_group_id(2) * kChunk, pEnd = min(K, pBegin + kChunk);
    cOff += get_group_id(2) * M * N;

    float acc[MWI][NWI];
    #pragma unroll
    for (int r = 0; r < MWI; r++) {
        #pragma unroll
        for (int c = 0; c < NWI; c++) acc[r][c] = 0.0f;
    }

    for (int p0 = pBegin; p0 < pEnd; p0 += KWG) {
        // op(A) slice: As[p][i] = op(A)[i0 + i][p0 + p], zero outside C's rows or the K range.
        for (int e = lid; e < MWG * KWG; e += WG) {
            int i, p;
            if (!transA) { p = e % KWG; i = e / KWG; }    // A (M, K): lanes walk along K
            else         { i = e % MWG; p = e / MWG; }    // A (K, M): lanes walk along M
            const int gi = i0 + i, gp = p0 + p;
            float v = 0.0f;
            if (gi < M && gp < pEnd) v = transA ? A[aOff + gp * M + gi] : A[aOff + gi * K + gp];
            As[p * LDA + i] = v;
        }
        // op(B) slice: Bs[p][j] = op(B)[p0 + p][j0 + j], zero outside C's columns or the K range.
        for (int e = lid; e < KWG * NWG; e += WG) {
            int j, p;
            if (!transB) { j = e % NWG; p = e / NWG; }    // B (K, N): lanes walk along N
            else         { p = e % KWG; j = e / KWG; }    // B (N, K): lanes walk along K
            const int gj = j0 + j, gp = p0 + p;
            float v = 0.0f;
            if (gj < N && gp < pEnd) v = transB ? B[bOff + gj * K + gp] : B[bOff + gp * N + gj];
            Bs[p * LDB + j] = v;
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        #pragma unroll 4
        for (int p = 0; p < KWG; p++) {
            float a[MWI], b[NWI];
            #pragma unroll
            for (int r = 0; r < MWI; r++) a[r] = As[p * LDA + ty + r * MDIMC];
            #pragma unroll
            for (int c = 0; c < NWI; c++) b[c] = Bs[p * LDB + tx + c * NDIMC];
            #pragma unroll
            for (int r = 0; r < MWI; r++) {
                #pragma unroll
                for (int c = 0; c < NWI; c++) acc[r][c] = mad(a[r], b[c], acc[r][c]);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);   // the next slice overwrites As and Bs
    }

    // C = alpha * sum + beta * C, guarded at the M and N edges; C is not read when beta == 0.
    #pragma unroll
    for (int r = 0; r < MWI; r++) {
        const int i = i0 + ty + r * MDIMC;
        if (i >= M) break;
        #pragma unroll
        for (int c = 0; c < NWI; c++) {
            const int j = j0 + tx + c * NDIMC;
            if (j < N) {
                __global float* dst = C + cOff + i * N + j;
                *dst = alpha * acc[r][c] + (beta == 0.0f ? 0.0f : beta * *dst);
            }
        }
    }
}

#define GEMM_GPU(name, TA, TB)                                                                   \
__kernel __attribute__((reqd_work_group_size(NDIMC, MDIMC, 1)))                                  \
void name(int M, int N, int K, float alpha, __global const float* A, int aOff,                   \
          __global const float* B, int bOff, float beta, __global float* C, int cOff,            \
          int kChunk) {                                                                          \
    __local float As[KWG * LDA];                                                                 \
    __local float Bs[KWG * LDB];                                                                 \
    gemm_gpu_body(TA, TB, M, N, K, alpha, A, aOff, B, bOff, beta, C, cOff, kChunk, As, Bs);      \
}

GEMM_GPU(gemm_gpu_nn, 0, 0)
GEMM_GPU(gemm_gpu_nt, 0, 1)
GEMM_GPU(gemm_gpu_tn, 1, 0)
GEMM_GPU(gemm_gpu_tt, 1, 1)
