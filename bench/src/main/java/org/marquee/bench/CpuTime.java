package org.marquee.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time consumed by all live Java threads of this JVM. On a machine shared with other jobs,
 * work divided by (CPU time / threads) estimates the speed the same threads would reach with the
 * cores to themselves, which wall-clock time cannot show.
 */
final class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuTime() {}

    static long nanos() {
        long sum = 0;
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            if (t > 0) sum += t;
        }
        return sum;
    }
}
