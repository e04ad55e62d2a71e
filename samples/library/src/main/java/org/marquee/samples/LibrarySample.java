package org.marquee.samples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider;
import org.marquee.engine.fit.Examples;
import org.marquee.engine.fit.Fit;
import org.marquee.engine.fit.FitListener;
import org.marquee.engine.fit.FitOptions;
import org.marquee.engine.fit.ModelWeights;
import org.marquee.engine.nn.Sequential;

/**
 * Marquee's engine used as a library: a dense network (6 -> 16 -> ReLU -> 3) on the fast cpu
 * backend learns which of three input features are positive (label k is 1 when feature 2k is
 * above 0), then its weights are saved to a file and loaded into a freshly built copy, which
 * predicts the same.
 *
 * <pre>
 *   mvn -B -q -f samples/library/pom.xml compile exec:exec
 * </pre>
 */
public final class LibrarySample {
    private LibrarySample() {}

    /** What a run found: the mean loss before and after training, and whether the loaded copy predicts the same. */
    public record Result(double lossBefore, double lossAfter, float[] predicted, float[] predictedByCopy) {
        /** Whether the copy loaded from the file predicts exactly what the trained model does. */
        public boolean copyAgrees() { return Arrays.equals(predicted, predictedByCopy); }
    }

    /** 256 examples of 6 Gaussian features, seeded; label k of an example is 1 when its feature 2k is positive. */
    static Examples data(float[][] x) {
        Random random = new Random(3);
        float[][] y = new float[x.length][3];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) x[i][j] = (float) random.nextGaussian();
            for (int k = 0; k < 3; k++) y[i][k] = x[i][2 * k] > 0 ? 1 : 0;
        }
        return Examples.of(x, y);
    }

    /** Trains for 40 epochs, saves the weights to {@code weights}, loads them into a new model; reports to {@code out}. */
    public static Result run(Path weights, PrintStream out) throws IOException {
        Backend cpu = BackendProvider.named("cpu").orElseThrow().create(BackendProvider.BackendOptions.defaults());
        out.println("backend: " + cpu.describe());
        float[][] x = new float[256][6];
        Examples data = data(x);
        Sequential.Builder net = Sequential.builder(cpu, 6).dense(16).relu().dense(3);
        Sequential model = net.build(7);
        double before = Fit.evaluate(model, data, 64);
        Fit.fit(model, data, null, FitOptions.defaults().withEpochs(40).withBatchSize(32).withLearningRate(0.01)
                .withListener(FitListener.SILENT));
        double after = Fit.evaluate(model, data, 64);
        out.printf(Locale.ROOT, "loss before training %.4f, after 40 epochs %.4f%n", before, after);

        ModelWeights.save(model, weights);
        Sequential copy = net.build(99);
        ModelWeights.load(copy, weights);
        Result r = new Result(before, after, Fit.predict(model, x)[0], Fit.predict(copy, x)[0]);
        out.printf(Locale.ROOT, "saved to %s and loaded into a new model: %s%n", weights,
                r.copyAgrees() ? "the same predictions" : "DIFFERENT predictions");
        out.println("first example: features " + Arrays.toString(x[0]) + ", label probabilities " + Arrays.toString(r.predicted()));
        return r;
    }

    /** Runs the sample with its weights in a temporary file; exit code 1 if the loss did not fall or the copy differs. */
    public static void main(String[] args) throws IOException {
        Path file = Files.createTempFile("library-sample", ".weights");
        try {
            Result r = run(file, System.out);
            if (!(r.lossAfter() < r.lossBefore()) || !r.copyAgrees()) System.exit(1);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
