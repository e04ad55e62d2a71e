package org.marquee.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.marquee.engine.BackendProvider;
import org.marquee.engine.Tensor;
import org.marquee.opencl.GemmKernel;
import org.marquee.opencl.OpenClBackend;
import org.marquee.opencl.OpenClProvider;
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
 * OpenCL GEMM kernels (naive vs tiled) on the poster model's forward shapes. One operation is one
 * {@code gemm} plus {@code synchronize()} (clFinish): device time, no host copies.
 * GFLOP/s = 2*M*N*K / time. Needs an OpenCL device and a loadable libOpenCL.so (LD_LIBRARY_PATH).
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

    /** "name:M,N,K" of C(M,N) = A(M,K) B(K,N), the model's forward GEMMs at one image / batch 32. */
    @Param({"conv1:32,49284,27", "conv2:64,11881,288", "conv3:128,2704,576", "dense1:32,128,86528"})
    public String shape;

    @Param({"NAIVE", "TILED"})
    public GemmKernel kernel;

    private OpenClBackend backend;
    private Tensor a;   // (M, K)
    private Tensor b;   // (K, N)
    private Tensor c;   // (M, N)
    private int m, n, k;

    @Setup(Level.Trial)
    public void setUp() {
        String[] mnk = shape.substring(shape.indexOf(':') + 1).split(",");
        m = Integer.parseInt(mnk[0]);
        n = Integer.parseInt(mnk[1]);
        k = Integer.parseInt(mnk[2]);
        backend = (OpenClBackend) new OpenClProvider().create(BackendProvider.BackendOptions.defaults());
        a = random(m, k);
        b = random(k, n);
        c = backend.allocate(m, n);
        backend.synchronize();
    }

    private Tensor random(int rows, int cols) {
        Random rnd = new Random(rows * 31L + cols);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextFloat() * 2 - 1;
        Tensor t = backend.allocate(rows, cols);
        backend.upload(t, v);
        return t;
    }

    @Benchmark
    public void gemm() {
        backend.gemm(kernel, false, false, m, n, k, 1.0, a, b, 0.0, c);
        backend.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.storage().close();
        b.storage().close();
        c.storage().close();
        backend.close();
    }
}
