// One step of SGD with momentum over a contiguous block of n parameters, the learning rate
// outside the velocity (see SgdConfig). One work-item per parameter: global n.
//   g = gradScale * grad;  v = momentum*v + g
//   p -= lr * v                          (nesterov != 0: p -= lr * (g + momentum*v))

__kernel void sgd_step(__global float* p, int pOff, __global const float* grad, int gOff,
                       __global float* v, int vOff, int n, float lr, float momentum, int nesterov,
                       float gradScale) {
    int i = get_global_id(0);
    if (i >= n) return;
    float g = gradScale * grad[gOff + i];
    float vi = momentum * v[vOff + i] + g;
    v[vOff + i] = vi;
    p[pOff + i] -= lr * (nesterov ? g + momentum * vi : vi);
}
