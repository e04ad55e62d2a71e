package org.marquee.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.cpu.CpuOptions;

/**
 * A quick standalone timing loop for the CPU GEMM on the model's shapes, for when JMH is too
 * noisy on a shared machine: warms up, then reports the median and best of nine timed runs in
 * GFLOP/s, from wall-clock time and from the threads' CPU time (see {@link CpuTime}). Usage: {@code java --add-modules=jdk.incubator.vector -cp benchmarks.jar
 * org.marquee.bench.CpuGemmProbe [threads] [shape ...]}.
 */
public final class CpuGemmProbe {
    private CpuGemmProbe() {}

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        GemmShape[] shapes = args.length > 1
                ? Arrays.stream(args, 1, args.length).map(GemmShape::valueOf).toArray(GemmShape[]::new)
                : GemmShape.values();
        try (CpuBackend cpu = new CpuBackend(CpuOptions.fromProperties(System.getProperties()).withThreads(threads))) {
            System.out.println(cpu.describe() + ", " + System.getProperty("java.vm.version"));
            for (GemmShape s : shapes) {
                Tensor a = random(cpu, 1, s.m * s.k), b = random(cpu, 2, s.k * s.n), c = cpu.allocate(s.m, s.n);
                int reps = (int) Math.max(3, Math.min(200, 2e9 / s.flops()));
                double[] gflops = new double[9], perCpu = new double[9];
                for (int warm = 0; warm < 3; warm++) run(cpu, s, a, b, c, reps);
                for (int r = 0; r < gflops.length; r++) {
                    long cpu0 = CpuTime.nanos();
                    gflops[r] = s.flops() * reps / run(cpu, s, a, b, c, reps); // flop per ns = GFLOP/s
                    perCpu[r] = s.flops() * reps / ((CpuTime.nanos() - cpu0) / (double) cpu.threads());
                }
                Arrays.sort(gflops);
                Arrays.sort(perCpu);
                System.out.printf("%-40s wall: median %6.1f max %6.1f GFLOP/s | cpu-time: median %6.1f max %6.1f GFLOP/s%n",
                        s, gflops[4], gflops[8], perCpu[4], perCpu[8]);
            }
        }
    }

    private static long run(CpuBackend cpu, GemmShape s, Tensor a, Tensor b, Tensor c, int reps) {
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) cpu.gemm(s.transA, s.transB, s.m, s.n, s.k, 1.0, a, b, 0.0, c);
        return System.nanoTime() - t0;
    }

    static Tensor random(CpuBackend cpu, long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        Tensor t = cpu.allocate(n);
        cpu.upload(t, v);
        return t;
    }
}
