// Elementwise kernels and activations. One work-item per element: global size n (the tensor
// size); every buffer is a flat float array with an element offset.

__kernel void relu(__global const float* x, int xOff, __global float* y, int yOff, int n) {
    int g = get_global_id(0);
    if (g < n) y[yOff + g] = fmax(x[xOff + g], 0.0f);
}

// dx = dy * (y > 0); y is the ReLU output.
// dx may be dy (in place): each work-item reads its element before writing it.
__kernel void relu_backward(__global const float* y, int yOff, __global const float* dy, int dyOff,
                            __global float* dx, int dxOff, int n) {
    int g = get_global_id(0);
    if (g >= n) return;
    dx[dxOff + g] = y[yOff + g] > 0.0f ? dy[dyOff + g] : 0.0f;
}

// y = 1 / (1 + exp(-x)), evaluated so that exp never overflows.
__kernel void sigmoid(__global const float* x, int xOff, __global float* y, int yOff, int n) {
    int g = get_global_id(0);
    if (g >= n) return;
    float v = x[xOff + g];
    float s;
    if (v >= 0.0f) {
        s = 1.0f / (1.0f + exp(-v));
    } else {
        float e = exp(v);
        s = e / (1.0f + e);
    }
    y[yOff + g] = s;
}

// out = a * b; out may be a or b.
__kernel void multiply(__global const float* a, int aOff, __global const float* b, int bOff,
                       __global float* out, int outOff, int n) {
    int g = get_global_id(0);
    if (g >= n) return;
    out[outOff + g] = a[aOff + g] * b[bOff + g];
}

// y[o][c][i] += bias[c] for y viewed as (outer, channels, inner); global (inner, channels, outer).
__kernel void add_bias(__global float* y, int yOff, __global const float* bias, int bOff,
                       int outer, int channels, int inner) {
    int i = get_global_id(0), c = get_global_id(1), o = get_global_id(2);
    if (i >= inner || c >= channels || o >= outer) return;
    y[yOff + (o * channels + c) * inner + i] += bias[bOff + c];
}

// dst[i] = src[i]; global n. Used when source and destination share a buffer.
__kernel void copy(__global const float* src, int srcOff, __global float* dst, int dstOff, int n) {
    int g = get_global_id(0);
    if (g < n) dst[dstOff + g] = src[srcOff + g];
}
