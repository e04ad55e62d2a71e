package org.marquee.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Heap held by the poster model's training at batch 32 on the CPU backend: runs {@code steps}
 * training steps, then prints the used heap after a full collection (MemoryMXBean) and the
 * heap's maximum. Run it under decreasing {@code -Xmx} to find the smallest heap that trains
 * without OutOfMemoryError. Usage: {@code java --add-modules=jdk.incubator.vector -Xmx2g -cp
 * benchmarks.jar org.marquee.bench.HeapProbe [threads] [steps]}.
 */
public final class HeapProbe {
    private HeapProbe() {}

    public static void main(String[] args) {
        ModelBenchmark m = new ModelBenchmark();
        m.backendName = "cpu";
        m.batch = 32;
        m.threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        m.setUp();
        try {
            for (int s = 0; s < steps; s++) m.trainingStep();
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed(), max = memory.getHeapMemoryUsage().getMax();
            System.out.printf("after %d training steps at batch 32: heap used %.0f MiB (max %.0f MiB)%n",
                    steps, used / 1048576.0, max / 1048576.0);
        } finally {
            m.tearDown();
        }
    }
}
