// Reductions that finish on the host (sum of squares) or in a second small kernel (bias grad).
//
//   sum_squares_partial  work-item g sums x^2 over its chunk [g*chunk, min(n, (g+1)*chunk)) with
//                        Kahan compensation into partial[g]; global = ceil(n / chunk). The host
//                        adds the partials in double.
//   bias_grad_partial    dy viewed as (outer, channels, inner); work-item (c, o) writes
//                        partial[o*channels + c] = sum over i of dy[o][c][i]; global (channels, outer).
//   bias_grad_finish     dBias[c] += sum over o of partial[o*channels + c]; global channels.

__kernel void sum_squares_partial(__global const float* x, int xOff, int n, int chunk,
                                  __global float* partial) {
    int g = get_global_id(0);
    int start = g * chunk;
    if (start >= n) return;
    int end = min(n, start + chunk);
    float sum = 0.0f, comp = 0.0f;
    for (int i = start; i < end; i++) {
        float v = x[xOff + i];
        float term = v * v - comp;
        float next = sum + term;
        comp = (next - sum) - term;
        sum = next;
    }
    partial[g] = sum;
}

__kernel void bias_grad_partial(__global const float* dy, int dyOff, int outer, int channels, int inner,
                                __global float* partial) {
    int c = get_global_id(0), o = get_global_id(1);
    if (c >= channels || o >= outer) return;
    int base = dyOff + (o * channels + c) * inner;
    float sum = 0.0f, comp = 0.0f;         // Kahan: inner can be ~50,000 long
    for (int i = 0; i < inner; i++) {
        float term = dy[base + i] - comp;
        float next = sum + term;
        comp = (next - sum) - term;
        sum = next;
    }
    partial[o * channels + c] = sum;
}

__kernel void bias_grad_finish(__global const float* partial, int outer, int channels,
                               __global float* dBias, int dbOff) {
    int c = get_global_id(0);
    if (c >= channels) return;
    float sum = 0.0f;
    for (int o = 0; o < outer; o++) sum += partial[o * channels + c];
    dBias[dbOff + c] += sum;
}

#ifdef cl_khr_fp64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
__kernel void sum_squares_partial_f64(__global const float* x, int xOff, int n, int chunk,
                                      __global double* partial) {
    int g = get_global_id(0);
    int start = g * chunk;
    if (start >= n) return;
    int end = min(n, start + chunk);
    double sum = 0.0;
    for (int i = start; i < end; i++) {
        double v = x[xOff + i];
        sum += v * v;
    }
    partial[g] = sum;
}
#endif
