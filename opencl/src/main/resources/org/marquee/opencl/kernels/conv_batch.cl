// Convolution of a whole batch (or a group of its images) per launch, for GPU-like devices.
//
// The group's column matrix is (C*KH*KW, G*P) for G images of P = OH*OW output positions: column
// img*P + oy*OW + ox holds the patch under output (oy, ox) of image img, so ONE gemm computes the
// convolution of every image, its weight gradient sums over every image, and its input gradient
// unfolds every image at once. The kernels here move data between that layout and the model's
// (N, K, OH, OW) tensors, and fuse what follows the gemm:
//
//   im2col_batch       global (G*P, C): one work-item per (column, channel), writing the KH*KW
//                      rows of that channel; consecutive work-items write consecutive columns.
//   conv_epilogue      ycols (K, G*P) -> y (G, K, P): + bias[k].
//                      global (P, K, G), consecutive work-items read and write consecutive positions.
//   conv_epilogue_pool ycols (K, G*P) -> 2x2 max pooling of max(0, ycols + bias) (ReLU) into pooled
//                      and argmax (G, K, PH, PW), y never written; global (PW, PH, G*K).
//                      Ties: the first maximum in the order (0,0) (0,1) (1,0) (1,1) wins, as maxPool2x2.
//   rows_of            dy (G, K, P) -> dyT (K, G*P): global (P, K, G).
//   unpool_rows        pooled gradient and winners (G, K, PH, PW) -> dyT (K, G*P): each element is
//                      its window's gradient where it is the winner, else 0 (also a trailing odd row
//                      or column, in no window); global (G*P, K).
//   col2im_batch       dcols (C*KH*KW, G*P) -> dx (G, C, H, W), overwritten: each work-item owns one
//                      pixel and gathers every column entry that im2col copied from it (no atomics);
//                      global (W, H, G*C).
// Every buffer is a flat float array with an element offset; P, G*P and the matrices' sizes fit in int.

#include "col2im.cl"

__kernel void im2col_batch(__global const float* x, int xOff, int C, int H, int W, int KH, int KW,
                           int stride, int pad, int OH, int OW, int columns,
                           __global float* cols, int colOff) {
    int col = get_global_id(0), c = get_global_id(1);
    if (col >= columns || c >= C) return;
    int P = OH * OW, img = col / P, p = col - img * P, oy = p / OW, ox = p - oy * OW;
    __global const float* plane = x + xOff + (img * C + c) * H * W;
    for (int i = 0; i < KH; i++) {
        int y = oy * stride + i - pad;
        for (int j = 0; j < KW; j++) {
            int xx = ox * stride + j - pad;
            float v = y >= 0 && y < H && xx >= 0 && xx < W ? plane[y * W + xx] : 0.0f;
            cols[colOff + ((c * KH + i) * KW + j) * columns + col] = v;
        }
    }
}

__kernel void conv_epilogue(__global const float* ycols, int ycOff, __global const float* bias, int bOff,
                            int K, int P, int G, __global float* y, int yOff) {
    int p = get_global_id(0), k = get_global_id(1), img = get_global_id(2);
    if (p >= P || k >= K || img >= G) return;
    float v = ycols[ycOff + k * G * P + img * P + p] + bias[bOff + k];
    y[yOff + (img * K + k) * P + p] = v;
}

__kernel void conv_epilogue_pool(__global const float* ycols, int ycOff, __global const float* bias, int bOff,
                                 int K, int OH, int OW, int G,
                                 __global float* pooled, int pOff, __global float* argmax, int aOff) {
    int px = get_global_id(0), py = get_global_id(1), plane = get_global_id(2);   // plane = img*K + k
    int PH = OH / 2, PW = OW / 2;
    if (px >= PW || py >= PH || plane >= G * K) return;
    int img = plane / K, k = plane - img * K, P = OH * OW;
    __global const float* row = ycols + ycOff + k * G * P + img * P + (2 * py) * OW + 2 * px;
    float b = bias[bOff + k];
    float best = 0.0f;
    int where = 0;
    for (int q = 0; q < 4; q++) {
        float v = row[(q >> 1) * OW + (q & 1)] + b;
        v = fmax(v, 0.0f);
        if (q == 0 || v > best) { best = v; where = q; }
    }
    int o = (plane * PH + py) * PW + px;
    pooled[pOff + o] = best;
    argmax[aOff + o] = (float) where;
}

__kernel void rows_of(__global const float* dy, int dyOff, int K, int P, int G, __global float* dyT, int tOff) {
    int p = get_global_id(0), k = get_global_id(1), img = get_global_id(2);
    if (p >= P || k >= K || img >= G) return;
    dyT[tOff + k * G * P + img * P + p] = dy[dyOff + (img * K + k) * P + p];
}

__kernel void unpool_rows(__global const float* dpool, int dpOff, __global const float* argmax, int aOff,
                          int K, int OH, int OW, int G, __global float* dyT, int tOff) {
    int col = get_global_id(0), k = get_global_id(1);
    int P = OH * OW;
    if (col >= G * P || k >= K) return;
    int img = col / P, p = col - img * P, oy = p / OW, ox = p - oy * OW;
    int PH = OH / 2, PW = OW / 2, py = oy >> 1, px = ox >> 1;
    float v = 0.0f;
    if (py < PH && px < PW) {
        int o = ((img * K + k) * PH + py) * PW + px;
        if ((int) argmax[aOff + o] == ((oy & 1) << 1 | (ox & 1))) v = dpool[dpOff + o];
    }
    dyT[tOff + k * G * P + col] = v;
}

__kernel void col2im_batch(__global const float* dcols, int dcOff, int C, int H, int W, int KH, int KW,
                           int stride, int pad, int OH, int OW, int G, __global float* dx, int dxOff) {
    int x = get_global_id(0), y = get_global_id(1), plane = get_global_id(2);   // plane = img*C + c
    if (x >= W || y >= H || plane >= G * C) return;
    int img = plane / C, c = plane - img * C, P = OH * OW;
    dx[dxOff + (plane * H + y) * W + x] = col2im_sum(dcols + dcOff + img * P, G * P, c, y, x, KH, KW, stride, pad, OH, OW);
}
