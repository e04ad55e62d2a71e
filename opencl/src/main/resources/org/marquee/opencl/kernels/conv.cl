// Convolution helpers over one image (C, H, W) and its im2col matrix (C*KH*KW, OH*OW).
//
//   im2col     one work-item writes one output row's stretch of cols (OW entries): global
//              (OH, C*KH*KW), x = output row oy, y = row ((c*KH + i)*KW + j).
//              cols[row][oy*OW + ox] = image[c][oy*stride + i - pad][ox*stride + j - pad], 0 outside.
//   col2im_add one work-item owns one image row (c, y), all W pixels: global (H, C). For each
//              pixel it gathers every cols entry that im2col read from it and adds their sum, so
//              no two work-items write the same element (no atomics).
// A work-item loops over a row rather than owning one element: on CPU devices (PoCL) the
// per-element form spent its time in work-group scheduling and index arithmetic.

#include "col2im.cl"

__kernel void im2col(__global const float* image, int imOff,
                     int C, int H, int W, int KH, int KW, int stride, int pad, int OH, int OW,
                     __global float* cols, int colOff) {
    int oy = get_global_id(0);
    int row = get_global_id(1);
    if (oy >= OH || row >= C * KH * KW) return;
    int j = row % KW, i = (row / KW) % KH, c = row / (KW * KH);
    int y = oy * stride + i - pad;
    __global float* out = cols + colOff + row * OH * OW + oy * OW;      // (OW) of cols[row]
    if (y < 0 || y >= H) {
        for (int ox = 0; ox < OW; ox++) out[ox] = 0.0f;
        return;
    }
    __global const float* in = image + imOff + (c * H + y) * W;        // (W) of image[c][y]
    for (int ox = 0; ox < OW; ox++) {
        int x = ox * stride + j - pad;
        out[ox] = x >= 0 && x < W ? in[x] : 0.0f;
    }
}

__kernel void col2im_add(__global const float* cols, int colOff,
                         int C, int H, int W, int KH, int KW, int stride, int pad, int OH, int OW,
                         __global float* image, int imOff) {
    int y = get_global_id(0), c = get_global_id(1);
    if (y >= H || c >= C) return;
    __global float* out = image + imOff + (c * H + y) * W;             // (W) of image[c][y]
    for (int x = 0; x < W; x++) out[x] += col2im_sum(cols + colOff, OH * OW, c, y, x, KH, KW, stride, pad, OH, OW);
}
