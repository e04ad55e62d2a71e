package org.marquee.bench;

import java.util.concurrent.TimeUnit;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two kernels whose speed differs most between JDK 17 and JDK 25 on the cpu backend: 2x2 max
 * pooling of conv1's output (32 x 32 x 222 x 222 at batch 32) and the dropout mask that follows it
 * (32 x 32 x 111 x 111), one call each, with the data on the backend.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PoolingDropoutBenchmark {

    @Param({"cpu"})
    public String backendName;

    /** Worker threads of the CPU backend; 0 = all processors. */
    @Param({"0"})
    public int threads;

    private Backend backend;
    private Tensor x, y, argmax, mask;
    private long step;

    @Setup(Level.Trial)
    public void setUp() {
        backend = BenchBackends.create(backendName, threads);
        x = BenchBackends.random(backend, 5, -1, 1, 32, 32, 222, 222);
        y = backend.allocate(32, 32, 111, 111);
        argmax = backend.allocate(32, 32, 111, 111);
        mask = backend.allocate(32, 32, 111, 111);
    }

    @Benchmark
    public Tensor maxPoolConv1() {
        backend.maxPool2x2(x, 32 * 32, 222, 222, y, argmax);
        backend.synchronize();
        return y;
    }

    @Benchmark
    public Tensor dropoutMaskPool1() {
        backend.dropoutMask(mask, 7, step++, 0.25);
        backend.synchronize();
        return mask;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }
}
