// Convolution helpers over one image (C, H, W) and its im2col matrix (C*KH*KW, OH*OW).
//
//   im2col     one work-item writes one entry of cols: global (OH*OW, C*KH*KW), x = column
//              (oy*OW + ox), y = row ((c*KH + i)*KW + j).
//              cols[row][oy*OW + ox] = image[c][oy*stride + i - pad][ox*stride + j - pad], 0 outside.
//   col2im_add one work-item owns one image pixel (c, y, x): global (W, H, C). It gathers every
//              cols entry that im2col read from that pixel and adds their sum, so no two
//              work-items write the same element (no atomics).

__kernel void im2col(__global const float* image, int imOff,
                     int C, int H, int W, int KH, int KW, int stride, int pad, int OH, int OW,
                     __global float* cols, int colOff) {
    int pos = get_global_id(0);
    int row = get_global_id(1);
    if (pos >= OH * OW || row >= C * KH * KW) return;
    int j = row % KW, i = (row / KW) % KH, c = row / (KW * KH);
    int oy = pos / OW, ox = pos % OW;
    int y = oy * stride + i - pad, x = ox * stride + j - pad;
    bool inside = y >= 0 && y < H && x >= 0 && x < W;
    cols[colOff + row * OH * OW + pos] = inside ? image[imOff + (c * H + y) * W + x] : 0.0f;
}

__kernel void col2im_add(__global const float* cols, int colOff,
                         int C, int H, int W, int KH, int KW, int stride, int pad, int OH, int OW,
                         __global float* image, int imOff) {
    int x = get_global_id(0), y = get_global_id(1), c = get_global_id(2);
    if (x >= W || y >= H || c >= C) return;
    float sum = 0.0f;
    for (int i = 0; i < KH; i++) {
        int ty = y + pad - i;               // = oy * stride
        if (ty < 0 || ty % stride != 0) continue;
        int oy = ty / stride;
        if (oy >= OH) continue;
        for (int j = 0; j < KW; j++) {
            int tx = x + pad - j;           // = ox * stride
            if (tx < 0 || tx % stride != 0) continue;
            int ox = tx / stride;
            if (ox >= OW) continue;
            int row = (c * KH + i) * KW + j;
            sum += cols[colOff + row * OH * OW + oy * OW + ox];
        }
    }
    image[imOff + (c * H + y) * W + x] += sum;
}
