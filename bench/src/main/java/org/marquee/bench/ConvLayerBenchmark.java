package org.marquee.bench;

import java.util.concurrent.TimeUnit;
import org.marquee.app.PosterModel;
import org.marquee.engine.Backend;
import org.marquee.engine.Shapes;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Conv2d;
import org.marquee.engine.nn.Layer;
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
 * One convolution layer of the poster model, forward and backward at batch 32, on each backend.
 * The layer is the model's own ({@link PosterModel#build}, the {@code layer}-th Conv2D), so it has
 * the model's geometry and computes dL/dx exactly where the model does (not for conv1). Input and
 * output gradient are random and stay on the device; one operation ends with
 * {@code synchronize()}. Backward reuses the last forward's input, as in a training step.
 *
 * <pre>
 *   conv1 (3, 224, 224)  -> (32, 222, 222)   forward 2.7 GFLOP, backward 2.7 (dW only)
 *   conv2 (32, 111, 111) -> (64, 109, 109)   forward 14.0 GFLOP, backward 28.0 (dW and dx)
 *   conv3 (64, 54, 54)   -> (128, 52, 52)    forward 12.8 GFLOP, backward 25.5 (dW and dx)
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class ConvLayerBenchmark {

    @Param({"cpu", "opencl"})
    public String backendName;

    /** Which Conv2D of the model, 1 to 3. */
    @Param({"1", "2", "3"})
    public int layer;

    @Param({"32"})
    public int batch;

    /** Worker threads of the CPU backend; 0 = all processors. */
    @Param({"0"})
    public int threads;

    /**
     * The backend's device: for OpenCL an index of the {@code devices} listing or a part of a device
     * name (e.g. {@code -p device=nvidia}); "" = the backend's default, the first GPU or accelerator
     * (else the first device). The cpu backend ignores it.
     */
    @Param({""})
    public String device;

    private PosterModelBench poster;
    private Backend backend;
    private Layer conv;
    private Tensor x;    // (N, C, H, W)
    private Tensor dy;   // (N, K, OH, OW)

    @Setup(Level.Trial)
    public void setUp() {
        poster = PosterModelBench.open(backendName, threads, device);
        backend = poster.backend;
        conv = poster.model.layers().stream().filter(l -> l instanceof Conv2d).skip(layer - 1L).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the model has no Conv2D number " + layer));
        x = BenchBackends.random(backend, 3, 0, 1, Shapes.withBatch(batch, conv.inputShape()));
        dy = BenchBackends.random(backend, 4, -1e-3, 1e-3, Shapes.withBatch(batch, conv.outputShape()));
        conv.forward(x, true);
        backend.synchronize();
    }

    @Benchmark
    public Tensor forward() {
        Tensor y = conv.forward(x, true);
        backend.synchronize();
        return y;
    }

    @Benchmark
    public Tensor backward() {
        Tensor dx = conv.backward(dy);
        backend.synchronize();
        return dx;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        dy.close();
        poster.close();
    }
}
