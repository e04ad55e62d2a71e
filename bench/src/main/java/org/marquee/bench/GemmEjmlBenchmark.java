package org.marquee.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pure-Java peer: EJML's dense float multiply on the conv2 forward shape (64 x 11881 x 288),
 * single-threaded and with EJML's own concurrent variant. GFLOP/s = 438.0e6 / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GemmEjmlBenchmark {

    @Param({"CONV2_FWD"})
    public String shape;

    private FMatrixRMaj a, b, c;

    @Setup
    public void setUp() {
        GemmShape s = GemmShape.valueOf(shape);
        if (s.transA || s.transB) throw new IllegalArgumentException("the EJML peer runs the untransposed shapes only: " + s);
        a = random(s.m, s.k, 1);
        b = random(s.k, s.n, 2);
        c = new FMatrixRMaj(s.m, s.n);
    }

    private static FMatrixRMaj random(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FMatrixRMaj x = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) x.data[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    @Benchmark
    public FMatrixRMaj ejmlSingleThread() {
        CommonOps_FDRM.mult(a, b, c);
        return c;
    }

    @Benchmark
    public FMatrixRMaj ejmlConcurrent() {
        CommonOps_MT_FDRM.mult(a, b, c);
        return c;
    }
}
