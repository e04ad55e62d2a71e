// Reductions as trees over many work-groups, and the split-K finish of both GEMM families.
//
// Every reduction kernel runs in work-groups of RWG = 256 work-items (the host launches them so):
// each work-item sums a grid-strided share of the input (consecutive work-items read consecutive
// elements), the group adds its RWG sums pairwise in local memory (log2(RWG) steps), and work-item
// 0 writes the group's sum. A second kernel of the same shape adds the groups' sums, so the host
// reads one number, not one per chunk.
//
//   sum_groups       x viewed as (n): partial[group] = sum over the group's share of x (or of x^2
//                    when square != 0); global (groups * RWG), local (RWG). Float sums carry
//                    Kahan compensation per work-item.
//   sum_finish       out[outIndex] = sum of partial[0..count); global (RWG), local (RWG): one group.
//   *_f64            the same in double (partial and out are doubles), where the device has fp64.
//   bias_grad_groups dy viewed as (outer, channels, inner); the group (q, c) sums its strided share
//                    of channel c's outer*inner elements into partial[c*parts + q];
//                    global (parts * RWG, channels), local (RWG, 1).
//   bias_grad_finish dBias[c] += sum over q of partial[c*parts + q]; global (channels), any local.
//   gemm_sum_slabs   split-K finish: C = alpha * sum over z of partial[z] + beta * C, for S slabs
//                    partial (S, M*N) written by a GEMM kernel with alpha 1 and beta 0; one work-item
//                    per element of C: global (M*N), any local.

#define RWG 256

// s[0] = sum of s[0..RWG), in place; every work-item of the group must call it.
#define TREE(s, lid)                                                            \
    barrier(CLK_LOCAL_MEM_FENCE);                                               \
    for (int width = RWG / 2; width > 0; width >>= 1) {                            \
        if ((lid) < width) (s)[lid] += (s)[(lid) + width];                        \
        barrier(CLK_LOCAL_MEM_FENCE);                                           \
    }

__kernel __attribute__((reqd_work_group_size(RWG, 1, 1)))
void sum_groups(__global const float* x, int xOff, int n, int square, __global float* partial) {
    __local float s[RWG];
    const int lid = get_local_id(0);
    float sum = 0.0f, comp = 0.0f;
    for (int i = get_global_id(0); i < n; i += get_global_size(0)) {
        float v = x[xOff + i];
        float term = (square ? v * v : v) - comp;
        float next = sum + term;
        comp = (next - sum) - term;
        sum = next;
    }
    s[lid] = sum;
    TREE(s, lid)
    if (lid == 0) partial[get_group_id(0)] = s[0];
}

// sum_finish in type T (float, or double for sum_finish_f64).
#define SUM_FINISH(NAME, T)                                                     \
__kernel __attribute__((reqd_work_group_size(RWG, 1, 1)))                       \
void NAME(__global const T* partial, int count, __global T* out, int outIndex) { \
    __local T s[RWG];                                                           \
    const int lid = get_local_id(0);                                            \
    T sum = 0;                                                                  \
    for (int i = lid; i < count; i += RWG) sum += partial[i];                   \
    s[lid] = sum;                                                               \
    TREE(s, lid)                                                                \
    if (lid == 0) out[outIndex] = s[0];                                         \
}

SUM_FINISH(sum_finish, float)

__kernel __attribute__((reqd_work_group_size(RWG, 1, 1)))
void bias_grad_groups(__global const float* dy, int dyOff, int outer, int channels, int inner,
                      __global float* partial) {
    __local float s[RWG];
    const int lid = get_local_id(0), c = get_global_id(1), parts = get_num_groups(0);
    const int count = outer * inner;
    float sum = 0.0f, comp = 0.0f;
    for (int e = get_global_id(0); e < count; e += get_global_size(0)) {
        int o = e / inner, i = e - o * inner;
        float term = dy[dyOff + (o * channels + c) * inner + i] - comp;
        float next = sum + term;
        comp = (next - sum) - term;
        sum = next;
    }
    s[lid] = sum;
    TREE(s, lid)
    if (lid == 0) partial[c * parts + get_group_id(0)] = s[0];
}

__kernel void bias_grad_finish(__global const float* partial, int parts, int channels,
                               __global float* dBias, int dbOff) {
    int c = get_global_id(0);
    if (c >= channels) return;
    float sum = 0.0f;
    for (int q = 0; q < parts; q++) sum += partial[c * parts + q];
    dBias[dbOff + c] += sum;
}

__kernel void gemm_sum_slabs(__global const float* partial, int slabs, int count,
                             float alpha, float beta, __global float* C, int cOff) {
    int g = get_global_id(0);
    if (g >= count) return;
    float sum = 0.0f;
    for (int z = 0; z < slabs; z++) sum += partial[z * count + g];
    C[cOff + g] = alpha * sum + (beta == 0.0f ? 0.0f : beta * C[cOff + g]);
}

#ifdef cl_khr_fp64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
__kernel __attribute__((reqd_work_group_size(RWG, 1, 1)))
void sum_groups_f64(__global const float* x, int xOff, int n, int square, __global double* partial) {
    __local double s[RWG];
    const int lid = get_local_id(0);
    double sum = 0.0;
    for (int i = get_global_id(0); i < n; i += get_global_size(0)) {
        double v = x[xOff + i];
        sum += square ? v * v : v;
    }
    s[lid] = sum;
    TREE(s, lid)
    if (lid == 0) partial[get_group_id(0)] = s[0];
}

SUM_FINISH(sum_finish_f64, double)
#endif
