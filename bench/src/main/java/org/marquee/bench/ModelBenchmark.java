package org.marquee.bench;

import java.util.concurrent.TimeUnit;
import org.marquee.app.PosterModel;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Loss;
import org.marquee.engine.nn.Sequential;
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
 * The full poster model on random input: forward pass (inference) and one training step
 * (forward, loss, backward, Adam) at batch 32, the figures compared with the frameworks in
 * the performance anchors (30.21 GFLOP forward, 87.90 GFLOP per training step at batch 32).
 * Parameters, Adam's moments, images and targets stay on the backend's device; per step only the
 * two scalar reductions (loss and gradient norm) come back to the host.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
public class ModelBenchmark {

    @Param({"cpu", "opencl"})
    public String backendName;

    @Param({"32"})
    public int batch;

    /** Worker threads; 0 = all processors. */
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
    private Sequential model;
    private Adam adam;
    private Tensor images, targets, grad;

    @Setup(Level.Trial)
    public void setUp() {
        poster = PosterModelBench.open(backendName, threads, device);
        backend = poster.backend;
        model = poster.model;
        adam = new Adam(backend, AdamConfig.keras(), model.parameterCount());
        Tensor[] data = PosterModelBench.imagesAndTargets(backend, batch);
        images = data[0];
        targets = data[1];
        grad = backend.allocate(batch, PosterModel.GENRES);
    }

    @Benchmark
    public Tensor forward() {
        Tensor logits = model.forward(images, false);
        backend.synchronize();
        return logits;
    }

    @Benchmark
    public double trainingStep() {
        model.setStep(model.step() + 1);
        model.zeroGradients();
        Tensor logits = model.forward(images, true);
        java.util.function.DoubleSupplier loss = Loss.sigmoidCrossEntropyLater(backend, logits, targets, grad);
        model.backward(grad);
        adam.step(model.parameters(), model.gradients());
        backend.synchronize();
        return loss.getAsDouble();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {images, targets, grad}) t.close();
        adam.close();
        poster.close();
    }
}
