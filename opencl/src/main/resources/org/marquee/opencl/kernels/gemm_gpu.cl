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
// Vector variants (VW = 4): per p a work-item reads its MWI values of As and NWI of Bs as float4
// (128-bit local loads: MWI/4 + NWI/4 loads for MWI * NWI FMAs, 2 per 16 at 4 x 4 where the scalar
// form needs 8), owning groups of 4 consecutive rows and columns, rows ty*4 + (r/4)*MDIMC*4 + r%4
// and columns tx*4 + (c/4)*NDIMC*4 + c%4 (so the lanes of a warp still read consecutive float4s
// of Bs and store C in consecutive 16-byte runs). They also prefetch: each work-item loads its
// share of the next K slice from global memory into registers (LPA + LPB floats) before the FMAs
// of the current slice, so the loads are in flight while it computes, and stores them to local
// memory after the barrier that ends the slice. PAD is 4 (rows stay 16-byte aligned), and the
// slices must split evenly over the work-group (MWG*KWG and KWG*NWG multiples of MDIMC*NDIMC).
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
#ifndef VW
#define VW 1
#endif

#define MWI (MWG / MDIMC)
#define NWI (NWG / NDIMC)
#define WG (MDIMC * NDIMC)
#define LDA (MWG + PAD)
#define LDB (NWG + PAD)

#if MWG % MDIMC != 0 || NWG % NDIMC != 0
#error "MWG must be a multiple of MDIMC and NWG a multiple of NDIMC"
#endif

#if VW == 1
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

#elif VW == 4

#if MWI % 4 != 0 || NWI % 4 != 0 || LDA % 4 != 0 || LDB % 4 != 0
#error "VW 4 needs MWG/MDIMC, NWG/NDIMC, MWG+PAD and NWG+PAD to be multiples of 4"
#endif
#if (MWG * KWG) % WG != 0 || (KWG * NWG) % WG != 0
#error "VW 4 prefetches whole slices: MWG*KWG and KWG*NWG must be multiples of MDIMC*NDIMC"
#endif
#define LPA (MWG * KWG / WG)     // floats of the op(A) slice each work-item loads and stages
#define LPB (KWG * NWG / WG)     // floats of the op(B) slice

inline void gemm_gpu_body(const int transA, const int transB, int M, int N, int K, float alpha,
                          __global const float* A, int aOff, __global const float* B, int bOff,
                          float beta, __global float* C, int cOff, int kChunk,
                          __local float4* As4, __local float4* Bs4) {
    __local float* As = (__local float*) As4;
    __local float* Bs = (__local float*) Bs4;
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int lid = ty * NDIMC + tx;
    const int i0 = get_group_id(1) * MWG, j0 = get_group_id(0) * NWG;
    const int pBegin = get_group_id(2) * kChunk, pEnd = min(K, pBegin + kChunk);
    cOff += get_group_id(2) * M * N;

    float acc[MWI][NWI];
    #pragma unroll
    for (int r = 0; r < MWI; r++) {
        #pragma unroll
        for (int c = 0; c < NWI; c++) acc[r][c] = 0.0f;
    }

    // Element t of a work-item's share is e = lid + t*WG of the slice, numbered as in the scalar
    // variants (consecutive work-items, consecutive global addresses); zero outside C or the K range.
    float ra[LPA], rb[LPB];
#define GEMM_FETCH(P0)                                                                           \
    {                                                                                            \
        for (int t = 0; t < LPA; t++) {                                                          \
            const int e = lid + t * WG;                                                          \
            const int i = transA ? e % MWG : e / KWG, p = transA ? e / MWG : e % KWG;            \
            const int gi = i0 + i, gp = (P0) + p;                                                \
            ra[t] = gi < M && gp < pEnd ? (transA ? A[aOff + gp * M + gi] : A[aOff + gi * K + gp]) : 0.0f; \
        }                                                                                        \
        for (int t = 0; t < LPB; t++) {                                                          \
            const int e = lid + t * WG;                                                          \
            const int j = transB ? e / KWG : e % NWG, p = transB ? e % KWG : e / NWG;            \
            const int gj = j0 + j, gp = (P0) + p;                                                \
            rb[t] = gj < N && gp < pEnd ? (transB ? B[bOff + gj * K + gp] : B[bOff + gp * N + gj]) : 0.0f; \
        }                                                                                        \
    }
    GEMM_FETCH(pBegin)
    for (int p0 = pBegin; p0 < pEnd; p0 += KWG) {
        #pragma unroll
        for (int t = 0; t < LPA; t++) {
            const int e = lid + t * WG;
            const int i = transA ? e % MWG : e / KWG, p = transA ? e / MWG : e % KWG;
            As[p * LDA + i] = ra[t];
        }
        #pragma unroll
        for (int t = 0; t < LPB; t++) {
            const int e = lid + t * WG;
            const int j = transB ? e / KWG : e % NWG, p = transB ? e % KWG : e / NWG;
            Bs[p * LDB + j] = rb[t];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        if (p0 + KWG < pEnd) GEMM_FETCH(p0 + KWG)   // in flight during this slice's FMAs

        #pragma unroll 4
        for (int p = 0; p < KWG; p++) {
            float a[MWI], b[NWI];
            #pragma unroll
            for (int r4 = 0; r4 < MWI / 4; r4++) {
                const float4 v = As4[(p * LDA) / 4 + r4 * MDIMC + ty];
                a[4 * r4] = v.x; a[4 * r4 + 1] = v.y; a[4 * r4 + 2] = v.z; a[4 * r4 + 3] = v.w;
            }
            #pragma unroll
            for (int c4 = 0; c4 < NWI / 4; c4++) {
                const float4 v = Bs4[(p * LDB) / 4 + c4 * NDIMC + tx];
                b[4 * c4] = v.x; b[4 * c4 + 1] = v.y; b[4 * c4 + 2] = v.z; b[4 * c4 + 3] = v.w;
            }
            #pragma unroll
            for (int r = 0; r < MWI; r++) {
                #pragma unroll
                for (int c = 0; c < NWI; c++) acc[r][c] = mad(a[r], b[c], acc[r][c]);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);   // the next slice overwrites As and Bs
    }
#undef GEMM_FETCH

    // C = alpha * sum + beta * C, guarded at the M and N edges; C is not read when beta == 0.
    #pragma unroll
    for (int r = 0; r < MWI; r++) {
        const int i = i0 + (r / 4) * MDIMC * 4 + ty * 4 + r % 4;
        if (i >= M) break;                  // rows grow with r
        #pragma unroll
        for (int c = 0; c < NWI; c++) {
            const int j = j0 + (c / 4) * NDIMC * 4 + tx * 4 + c % 4;
            if (j < N) {
                __global float* dst = C + cOff + i * N + j;
                *dst = alpha * acc[r][c] + (beta == 0.0f ? 0.0f : beta * *dst);
            }
        }
    }
}
#else
#error "VW must be 1 or 4"
#endif

#if VW == 4
#define LOCAL_SLICES __local float4 As[KWG * LDA / 4]; __local float4 Bs[KWG * LDB / 4];
#else
#define LOCAL_SLICES __local float As[KWG * LDA]; __local float Bs[KWG * LDB];
#endif

#define GEMM_GPU(name, TA, TB)                                                                   \
__kernel __attribute__((reqd_work_group_size(NDIMC, MDIMC, 1)))                                  \
void name(int M, int N, int K, float alpha, __global const float* A, int aOff,                   \
          __global const float* B, int bOff, float beta, __global float* C, int cOff,            \
          int kChunk) {                                                                          \
    LOCAL_SLICES                                                                                 \
    gemm_gpu_body(TA, TB, M, N, K, alpha, A, aOff, B, bOff, beta, C, cOff, kChunk, As, Bs);      \
}

GEMM_GPU(gemm_gpu_nn, 0, 0)
GEMM_GPU(gemm_gpu_nt, 0, 1)
GEMM_GPU(gemm_gpu_tn, 1, 0)
GEMM_GPU(gemm_gpu_tt, 1, 1)
