package org.marquee.bench;

import java.util.concurrent.TimeUnit;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
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
 * The CPU backend's GEMM on the poster model's shapes ({@link GemmShape}). Reports time per
 * product; GFLOP/s = 2*M*N*K / time, printed by {@link #report} after each trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GemmBenchmark {

    @Param({"CONV1_FWD", "CONV2_FWD", "CONV3_FWD", "CONV1_DW", "CONV2_DW", "CONV3_DW",
            "CONV2_DX", "CONV3_DX", "DENSE1_FWD", "DENSE1_DW", "DENSE1_DX"})
    public String shape;

    /** Worker threads; 0 = all processors. */
    @Param({"2"})
    public int threads;

    private GemmShape s;
    private CpuBackend cpu;
    private Tensor a, b, c;
    private long calls, nanos, started;

    @Setup(Level.Trial)
    public void setUp() {
        s = GemmShape.valueOf(shape);
        cpu = new CpuBackend(threads);
        a = CpuGemmProbe.random(cpu, 1, s.m * s.k);
        b = CpuGemmProbe.random(cpu, 2, s.k * s.n);
        c = cpu.allocate(s.m, s.n);
    }

    @Setup(Level.Iteration)
    public void startIteration() { calls = 0; started = System.nanoTime(); }

    @TearDown(Level.Iteration)
    public void endIteration() { nanos = System.nanoTime() - started; }

    @Benchmark
    public Tensor gemm() {
        cpu.gemm(s.transA, s.transB, s.m, s.n, s.k, 1.0, a, b, 0.0, c);
        calls++;
        return c;
    }

    @TearDown(Level.Trial)
    public void report() {
        System.out.printf("%n%s: last iteration %.1f GFLOP/s%n", s, s.flops() * calls / nanos);
        cpu.close();
    }
}
