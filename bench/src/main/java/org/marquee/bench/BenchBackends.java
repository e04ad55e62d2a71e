package org.marquee.bench;

import java.util.SplittableRandom;
import org.marquee.app.backend.CommandLineSettings;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider;
import org.marquee.engine.BackendProvider.BackendOptions;
import org.marquee.engine.Tensor;

/** What the benchmarks share: a backend by provider name, and tensors of uniform random values. */
final class BenchBackends {
    private BenchBackends() {}

    /** The backend of the provider named {@code name} ("cpu", "opencl", ...) on its default device. */
    static Backend create(String name, int threads) {
        return create(name, threads, "");
    }

    /**
     * The backend of the provider named {@code name} ("cpu", "opencl", ...); fails with the probe's
     * reason. {@code device} is the backend's device selector ({@link BackendOptions#device()}: for
     * OpenCL an index of the {@code devices} listing or a part of a device name); blank means the
     * backend's default (for OpenCL the first GPU or accelerator). The cpu backend has one device and
     * ignores it. The backend's other settings are the command line's ({@link CommandLineSettings}:
     * the {@code marquee.*} system properties given to the benchmark's JVM, the cpu tuning cached or
     * measured). Prints which backend and device the benchmark runs on.
     */
    static Backend create(String name, int threads, String device) {
        BackendProvider provider = BackendProvider.named(name)
                .orElseThrow(() -> new IllegalArgumentException("no backend named " + name + " on the class path"));
        BackendProvider.Availability a = provider.probe();
        if (!a.available()) throw new IllegalStateException("backend " + name + " is unavailable: " + a.reason());
        String selector = device == null || device.isBlank() ? null : device.trim();
        Backend backend = provider.create(new BackendOptions(threads, selector, CommandLineSettings.current()));
        System.out.println("backend: " + backend.describe() + (selector == null ? "" : " (device selector \"" + selector + "\")"));
        return backend;
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
