package org.marquee.bench;

import java.util.SplittableRandom;
import org.marquee.app.PosterModel;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Sequential;

/**
 * The poster model as every model benchmark sets it up ({@link ModelBenchmark},
 * {@link ConvLayerBenchmark}, {@link CpuModelProfile}): the backend of a provider by name, the
 * model built on it from seed {@value #MODEL_SEED}, and a batch of random images and 0/1 targets
 * from seed {@value #DATA_SEED}, so that every benchmark times the same weights and data.
 * Closing it closes the model, then the backend.
 */
final class PosterModelBench implements AutoCloseable {
    /** The seed of the model's initial weights. */
    static final long MODEL_SEED = 7;
    /** The seed of the random images and targets. */
    static final long DATA_SEED = 11;

    final Backend backend;
    final Sequential model;

    private PosterModelBench(Backend backend) {
        this.backend = backend;
        this.model = posterModel(backend);
    }

    /**
     * The poster model on the backend of provider {@code backendName} ({@link BenchBackends#create}).
     *
     * @param backendName the provider's name, "cpu" or "opencl"
     * @param threads     worker threads, 0 = all processors
     * @param device      the device selector, "" for the backend's default
     * @return the backend and model, which the caller closes
     */
    static PosterModelBench open(String backendName, int threads, String device) {
        return new PosterModelBench(BenchBackends.create(backendName, threads, device));
    }

    /** The poster model on {@code backend} from seed {@value #MODEL_SEED}. */
    static Sequential posterModel(Backend backend) {
        return PosterModel.build(backend, MODEL_SEED);
    }

    /**
     * {images (n, C, H, W) uniform in [0, 1), targets (n, GENRES) each 1 with probability 1/5},
     * from seed {@value #DATA_SEED}, on {@code backend}.
     */
    static Tensor[] imagesAndTargets(Backend backend, int n) {
        SplittableRandom r = new SplittableRandom(DATA_SEED);
        Tensor images = backend.allocate(n, PosterModel.CHANNELS, PosterModel.HEIGHT, PosterModel.WIDTH);
        float[] x = new float[images.intSize()];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        backend.upload(images, x);
        Tensor targets = backend.allocate(n, PosterModel.GENRES);
        float[] t = new float[targets.intSize()];
        for (int i = 0; i < t.length; i++) t[i] = r.nextInt(5) == 0 ? 1f : 0f;
        backend.upload(targets, t);
        return new Tensor[] {images, targets};
    }

    @Override
    public void close() {
        model.close();
        backend.close();
    }
}
