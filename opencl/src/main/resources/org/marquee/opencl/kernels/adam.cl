// One Adam step (Keras form) over a contiguous block of n parameters. One work-item per
// parameter: global n. The host folds the bias correction into stepSize:
//   stepSize = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
//   g = gradScale * grad;  m = beta1*m + (1-beta1)*g;  v = beta2*v + (1-beta2)*g*g
//   p -= stepSize * m / (sqrt(v) + epsilon)

__kernel void adam_step(__global float* p, int pOff, __global const float* grad, int gOff,
                        __global float* m, int mOff, __global float* v, int vOff, int n,
                        float beta1, float beta2, float stepSize, float epsilon, float gradScale) {
    int i = get_global_id(0);
    if (i >= n) return;
    float g = gradScale * grad[gOff + i];
    float mi = beta1 * m[mOff + i] + (1.0f - beta1) * g;
    float vi = beta2 * v[vOff + i] + (1.0f - beta2) * g * g;
    m[mOff + i] = mi;
    v[vOff + i] = vi;
    p[pOff + i] -= stepSize * mi / (sqrt(vi) + epsilon);
}
