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
