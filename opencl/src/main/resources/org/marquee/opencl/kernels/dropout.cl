// Inverted-dropout mask, the same function as org.marquee.engine.DropoutHash, line by line in
// 64-bit unsigned arithmetic (Java's long multiply and >>> wrap the same way).
// One work-item per mask element: global n; element g gets maskValue(seed, step, first + g, rate)
// (first: the mask's first index in a larger batch it is a shard of, 0 for a whole batch):
//   u = mix(seed, step, first + g) >>> 40          (24 uniform bits; uniform = u * 2^-24)
//   mask[g] = u >= threshold ? keep : 0     threshold = ceil(rate * 2^24), keep = 1/(1-rate)
// Comparing the integer u with the host-computed threshold equals Java's double comparison
// uniform >= rate exactly, with no floating point on the device.

ulong dropout_mix(ulong seed, ulong step, ulong index) {
    ulong z = seed ^ (step * 0xD1B54A32D192ED03UL) ^ (index * 0x9E3779B97F4A7C15UL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    return z ^ (z >> 31);
}

__kernel void dropout_mask(__global float* mask, int mOff, int n, ulong seed, ulong step, ulong first,
                           ulong threshold, float keep) {
    int g = get_global_id(0);
    if (g >= n) return;
    ulong u = dropout_mix(seed, step, first + (ulong) g) >> 40;
    mask[mOff + g] = u >= threshold ? keep : 0.0f;
}
