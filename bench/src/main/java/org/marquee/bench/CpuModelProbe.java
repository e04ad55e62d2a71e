package org.marquee.bench;

import java.util.Arrays;

/**
 * A quick standalone timing loop for the poster model on the CPU backend, for when JMH is too
 * noisy on a shared machine: median milliseconds of forward passes and training steps at batch
 * 32, from wall-clock time and from the threads' CPU time divided by the thread count (see
 * {@link CpuTime}). Usage: {@code java --add-modules=jdk.incubator.vector -cp benchmarks.jar
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
            double[] fwdCpu = new double[repeats], stepCpu = new double[repeats];
            int threads = m.threads == 0 ? Runtime.getRuntime().availableProcessors() : m.threads;
            m.forward();
            m.trainingStep();
            for (int r = 0; r < repeats; r++) {
                long c0 = CpuTime.nanos(), t0 = System.nanoTime();
                m.forward();
                long c1 = CpuTime.nanos(), t1 = System.nanoTime();
                m.trainingStep();
                long c2 = CpuTime.nanos(), t2 = System.nanoTime();
                fwd[r] = (t1 - t0) / 1e6;
                step[r] = (t2 - t1) / 1e6;
                fwdCpu[r] = (c1 - c0) / 1e6 / threads;
                stepCpu[r] = (c2 - c1) / 1e6 / threads;
            }
            for (double[] x : new double[][] {fwd, step, fwdCpu, stepCpu}) Arrays.sort(x);
            int h = repeats / 2;
            System.out.printf("forward batch 32: wall median %.0f ms (min %.0f) | cpu-time/threads median %.0f ms (min %.0f)%n",
                    fwd[h], fwd[0], fwdCpu[h], fwdCpu[0]);
            System.out.printf("training step batch 32: wall median %.0f ms (min %.0f) | cpu-time/threads median %.0f ms (min %.0f)%n",
                    step[h], step[0], stepCpu[h], stepCpu[0]);
        } finally {
            m.tearDown();
        }
    }
}
