package org.marquee.bench;

import java.util.concurrent.TimeUnit;
import org.marquee.engine.Tensor;
import org.marquee.opencl.GemmKernel;
import org.marquee.opencl.OpenClBackend;
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
 * The OpenCL GEMM kernel versions (naive vs tiled) on the poster model's forward shapes
 * ({@link GemmShape}); {@link GemmBenchmark} compares the backends. One operation is one
 * {@code gemm} plus {@code synchronize()} (clFinish): device time, no host copies.
 * GFLOP/s = 2*M*N*K / time. Needs an OpenCL device and a loadable libOpenCL.so.
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar OpenClGemmBench
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class OpenClGemmBench {

    @Param({"CONV1_FWD", "CONV2_FWD", "CONV3_FWD", "DENSE1_FWD"})
    public String shape;

    @Param({"NAIVE", "TILED"})
    public GemmKernel kernel;

    private GemmShape s;
    private OpenClBackend backend;
    private Tensor a, b, c;

    @Setup(Level.Trial)
    public void setUp() {
        s = GemmShape.valueOf(shape);
        backend = (OpenClBackend) BenchBackends.create("opencl", 0);
        a = BenchBackends.random(backend, 1, -1, 1, s.m * s.k);   // (M, K), or (K, M) when transA
        b = BenchBackends.random(backend, 2, -1, 1, s.k * s.n);   // (K, N), or (N, K) when transB
        c = backend.allocate(s.m, s.n);                            // (M, N)
        backend.synchronize();
    }

    @Benchmark
    public Tensor gemm() {
        backend.gemm(kernel, s.transA, s.transB, s.m, s.n, s.k, 1.0, a, b, 0.0, c);
        backend.synchronize();
        return c;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {a, b, c}) t.close();
        backend.close();
    }
}
