// Fused sigmoid + binary cross-entropy on logits z against targets t, n = batch x labels elements.
// One work-item per element: global n.
//   terms[g] = max(z,0) - z*t + log(1 + exp(-|z|))    (the per-element loss; the host sums it in
//                                                      double and divides by n)
//   grad[g]  = (sigmoid(z) - t) / n                   (written, not added)

__kernel void sigmoid_bce(__global const float* z, int zOff, __global const float* t, int tOff,
                          __global float* grad, int gOff, __global float* terms, int n) {
    int g = get_global_id(0);
    if (g >= n) return;
    float zv = z[zOff + g], tv = t[tOff + g];
    float e = exp(-fabs(zv));                       // in (0, 1]
    terms[g] = fmax(zv, 0.0f) - zv * tv + log1p(e);
    float s = zv >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
    grad[gOff + g] = (s - tv) / (float) n;
}

// Fused softmax + cross-entropy over rows of `classes` logits, one example per row. One work-item
// per row: global rows. With m the row's largest logit (subtracted so that exp never overflows):
//   lse       = m + log(sum_k exp(z_k - m))
//   terms[r]  = sum_c t_c * (lse - z_c)                       (the row's loss; the host sums the rows
//                                                              in double and divides by rows*classes)
//   grad[c]   = (exp(z_c - lse) * sum_k t_k - t_c) / (rows*classes)    (written, not added)

__kernel void softmax_ce(__global const float* z, int zOff, __global const float* t, int tOff,
                         __global float* grad, int gOff, __global float* terms, int rows, int classes) {
    int r = get_global_id(0);
    if (r >= rows) return;
    int z0 = zOff + r * classes, t0 = tOff + r * classes, g0 = gOff + r * classes;
    float n = (float) rows * (float) classes;
    float m = -INFINITY;
    for (int c = 0; c < classes; c++) m = fmax(m, z[z0 + c]);
    float sum = 0.0f, targetSum = 0.0f;
    for (int c = 0; c < classes; c++) {
        sum += exp(z[z0 + c] - m);
        targetSum += t[t0 + c];
    }
    float lse = m + log(sum);
    float loss = 0.0f;
    for (int c = 0; c < classes; c++) {
        float zc = z[z0 + c], tc = t[t0 + c];
        loss += tc * (lse - zc);
        grad[g0 + c] = (exp(zc - lse) * targetSum - tc) / n;
    }
    terms[r] = loss;
}

// Squared error, n elements. One work-item per element: global n.
//   terms[g] = (y - t)^2                   (the host sums in double and divides by n)
//   grad[g]  = 2 (y - t) / n               (written, not added)

__kernel void squared_error(__global const float* y, int yOff, __global const float* t, int tOff,
                            __global float* grad, int gOff, __global float* terms, int n) {
    int g = get_global_id(0);
    if (g >= n) return;
    float d = y[yOff + g] - t[tOff + g];
    terms[g] = d * d;
    grad[gOff + g] = 2.0f * d / (float) n;
}
