package org.marquee.bench;

import java.util.Arrays;

/**
 * A quick standalone timing loop for the poster model on the CPU backend, for when JMH is too
 * noisy on a shared machine: median milliseconds of forward passes and training steps at batch
 * 32. Usage: {@code java --add-modules=jdk.incubator.vector -cp benchmarks.jar
 * org.marquee.bench.CpuModelProbe [threads] [repeats]}.
 */
public final class CpuModelProbe {
    private CpuModelProbe() {}

    public static void main(String[] args) {
        ModelBenchmark m = new ModelBenchmark();
        m.backendName = "cpu";
        m.batch = 32;
        m.threads = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        m.setUp();
        try {
            double[] fwd = new double[repeats], step = new double[repeats];
            m.forward();
            m.trainingStep();
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                m.forward();
                long t1 = System.nanoTime();
                m.trainingStep();
                long t2 = System.nanoTime();
                fwd[r] = (t1 - t0) / 1e6;
                step[r] = (t2 - t1) / 1e6;
            }
            Arrays.sort(fwd);
            Arrays.sort(step);
            System.out.printf("forward batch 32: median %.0f ms (min %.0f), %.1f GFLOP/s%n", fwd[repeats / 2], fwd[0], 30.21e3 / fwd[repeats / 2]);
            System.out.printf("training step batch 32: median %.0f ms (min %.0f), %.1f GFLOP/s%n", step[repeats / 2], step[0], 87.90e3 / step[repeats / 2]);
        } finally {
            m.tearDown();
        }
    }
}
