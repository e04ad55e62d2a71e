// 2x2 max pooling, stride 2, over x viewed as (planes, H, W) into y (planes, OH, OW) with
// OH = H/2, OW = W/2 (a trailing odd row or column is ignored). argmax has y's shape and holds the
// winner's position in its window, 0..3 = dy*2 + dx, as a float; the first maximum wins ties.
// One work-item per output element: global (OW, OH, planes). Windows never overlap, so the
// backward pass can add into dx without atomics.

__kernel void maxpool2x2(__global const float* x, int xOff, int H, int W,
                         __global float* y, int yOff, __global float* argmax, int aOff, int OH, int OW,
                         int planes) {
    int ox = get_global_id(0), oy = get_global_id(1), p = get_global_id(2);
    if (ox >= OW || oy >= OH || p >= planes) return;
    int base = xOff + (p * H + 2 * oy) * W + 2 * ox;
    float best = x[base];
    int where = 0;
    for (int k = 1; k < 4; k++) {
        float v = x[base + (k / 2) * W + (k % 2)];
        if (v > best) { best = v; where = k; }
    }
    int o = (p * OH + oy) * OW + ox;
    y[yOff + o] = best;
    argmax[aOff + o] = (float) where;
}

// dx[winner of the window] = dy[window], and 0 at the window's three other elements: dx is
// overwritten (a trailing odd row or column, in no window, is zeroed by the caller).
__kernel void maxpool2x2_backward(__global const float* dy, int dyOff, __global const float* argmax, int aOff,
                                  int H, int W, __global float* dx, int dxOff, int OH, int OW, int planes) {
    int ox = get_global_id(0), oy = get_global_id(1), p = get_global_id(2);
    if (ox >= OW || oy >= OH || p >= planes) return;
    int o = (p * OH + oy) * OW + ox;
    int k = (int) argmax[aOff + o];
    float v = dy[dyOff + o];
    int top = dxOff + (p * H + 2 * oy) * W + 2 * ox;
    dx[top] = k == 0 ? v : 0.0f;
    dx[top + 1] = k == 1 ? v : 0.0f;
    dx[top + W] = k == 2 ? v : 0.0f;
    dx[top + W + 1] = k == 3 ? v : 0.0f;
}
