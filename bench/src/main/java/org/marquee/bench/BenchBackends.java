package org.marquee.bench;

import java.util.SplittableRandom;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider;
import org.marquee.engine.BackendProvider.BackendOptions;
import org.marquee.engine.Tensor;

/** What the benchmarks share: a backend by provider name, and tensors of uniform random values. */
final class BenchBackends {
    private BenchBackends() {}

    /** The backend of the provider named {@code name} ("cpu", "opencl", ...); fails with the probe's reason. */
    static Backend create(String name, int threads) {
        BackendProvider provider = BackendProvider.named(name)
                .orElseThrow(() -> new IllegalArgumentException("no backend named " + name + " on the class path"));
        BackendProvider.Availability a = provider.probe();
        if (!a.available()) throw new IllegalStateException("backend " + name + " is unavailable: " + a.reason());
        return provider.create(new BackendOptions(threads, null));
    }

    /** A tensor of {@code shape} on {@code backend}, uniform in [lo, hi) from {@code seed}. */
    static Tensor random(Backend backend, long seed, double lo, double hi, int... shape) {
        Tensor t = backend.allocate(shape);
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[t.intSize()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        backend.upload(t, v);
        return t;
    }
}
