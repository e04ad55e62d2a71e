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
 * One backend's GEMM on the poster model's shapes ({@link GemmShape}): the CPU backend and the
 * OpenCL backend side by side in one run. One operation is one {@code gemm} plus
 * {@code synchronize()} (clFinish on OpenCL), operands already on the device: compute time, no
 * host copies. GFLOP/s = 2*M*N*K / time, printed by {@link #report} after each trial.
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar GemmBenchmark -p backendName=cpu,opencl
 *   java -jar bench/target/benchmarks.jar GemmBenchmark -p backendName=opencl -p device=nvidia
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GemmBenchmark {

    @Param({"cpu", "opencl"})
    public String backendName;

    @Param({"CONV1_FWD", "CONV2_FWD", "CONV3_FWD", "CONV1_DW", "CONV2_DW", "CONV3_DW",
            "CONV2_DX", "CONV3_DX", "DENSE1_FWD", "DENSE1_DW", "DENSE1_DX"})
    public String shape;

    /** Worker threads of the CPU backend; 0 = all processors. */
    @Param({"2"})
    public int threads;

    /**
     * The backend's device: for OpenCL an index of the {@code devices} listing or a part of a device
     * name (e.g. {@code -p device=nvidia}); "" = the backend's default, the first GPU or accelerator
     * (else the first device). The cpu backend ignores it.
     */
    @Param({""})
    public String device;

    private GemmShape s;
    private Backend backend;
    private Tensor a, b, c;
    private long calls, nanos, started;

    @Setup(Level.Trial)
    public void setUp() {
        s = GemmShape.valueOf(shape);
        backend = BenchBackends.create(backendName, threads, device);
        a = BenchBackends.random(backend, 1, -1, 1, s.m * s.k);   // (M, K), or (K, M) when transA
        b = BenchBackends.random(backend, 2, -1, 1, s.k * s.n);   // (K, N), or (N, K) when transB
        c = backend.allocate(s.m, s.n);                            // (M, N)
        backend.synchronize();
    }

    @Setup(Level.Iteration)
    public void startIteration() { calls = 0; started = System.nanoTime(); }

    @TearDown(Level.Iteration)
    public void endIteration() { nanos = System.nanoTime() - started; }

    @Benchmark
    public Tensor gemm() {
        backend.gemm(s.transA, s.transB, s.m, s.n, s.k, 1.0, a, b, 0.0, c);
        backend.synchronize();
        calls++;
        return c;
    }

    @TearDown(Level.Trial)
    public void report() {
        System.out.printf("%n%s %s: last iteration %.1f GFLOP/s%n", backendName, s, s.flops() * calls / nanos);
        for (Tensor t : new Tensor[] {a, b, c}) t.close();
        backend.close();
    }
}
