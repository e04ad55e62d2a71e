// col2im's gather, shared by conv.cl (one image) and conv_batch.cl (a group of images), which
// include it by name; the host pastes this file in their place (OpenClContext.readResource).
//
// The sum of every column-matrix entry that im2col copied from pixel (y, x) of channel c: for each
// kernel tap (i, j), in order, whose output position (oy, ox) read that pixel, the entry at
// cols[((c*KH + i)*KW + j) * rowLength + oy*OW + ox]. rowLength is the matrix's row length (OH*OW
// for one image, G*OH*OW for a group, cols then pointing at the image's first column).
float col2im_sum(__global const float* cols, int rowLength, int c, int y, int x,
                 int KH, int KW, int stride, int pad, int OH, int OW) {
    float sum = 0.0f;
    for (int i = 0; i < KH; i++) {
        int ty = y + pad - i;                   // = oy * stride
        if (ty < 0 || ty % stride != 0) continue;
        int oy = ty / stride;
        if (oy >= OH) continue;
        for (int j = 0; j < KW; j++) {
            int tx = x + pad - j;               // = ox * stride
            if (tx < 0 || tx % stride != 0) continue;
            int ox = tx / stride;
            if (ox >= OW) continue;
            sum += cols[((c * KH + i) * KW + j) * rowLength + oy * OW + ox];
        }
    }
    return sum;
}
