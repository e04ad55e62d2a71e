package org.marquee.spark;

/** Bytes of weights broadcast to and gradients collected from the tasks, summed over steps. */
final class StepTraffic {
    private long steps, weightBytes, gradientBytes;

    synchronized void add(long weights, long gradients) {
        steps++;
        weightBytes += weights;
        gradientBytes += gradients;
    }

    synchronized long steps() { return steps; }
    /** The weights broadcast per step (each executor fetches them once). */
    synchronized long weightBytesPerStep() { return steps == 0 ? 0 : weightBytes / steps; }
    /** The gradients the driver collected per step (one per shard). */
    synchronized long gradientBytesPerStep() { return steps == 0 ? 0 : gradientBytes / steps; }
}
