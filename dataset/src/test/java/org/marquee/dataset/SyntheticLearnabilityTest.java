package org.marquee.dataset;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The genre cues of synthetic posters are learnable: even a linear model (logistic regression per
 * genre on raw 32x32 pixels, plain gradient descent) beats the best constant prediction by far.
 * The poster CNN has far more capacity than this probe.
 */
class SyntheticLearnabilityTest {
    static final int S = 32;
    static final int G = 27;

    @Test
    void linearProbeBeatsConstantBaseline() {
        SyntheticPosters data = new SyntheticPosters(4000, S, 21);
        int train = 3000;
        int d = 3 * S * S;
        float[][] x = new float[data.size()][];
        float[][] y = new float[data.size()][];
        for (int i = 0; i < data.size(); i++) {
            x[i] = data.image(i);
            y[i] = data.labels(i);
        }
        float[] w = new float[G * (d + 1)]; // (G, d + 1), last column the bias
        float lr = 0.02f;
        int batch = 50;
        float[] grad = new float[w.length];
        for (int epoch = 0; epoch < 12; epoch++) {
            for (int from = 0; from < train; from += batch) {
                java.util.Arrays.fill(grad, 0f);
                for (int i = from; i < from + batch; i++) {
                    for (int g = 0; g < G; g++) {
                        int row = g * (d + 1);
                        float z = w[row + d];
                        for (int k = 0; k < d; k++) {
                            z += w[row + k] * x[i][k];
                        }
                        // dL/dz of sigmoid + binary cross-entropy = sigmoid(z) - y
                        float e = (float) (1 / (1 + Math.exp(-z))) - y[i][g];
                        for (int k = 0; k < d; k++) {
                            grad[row + k] += e * x[i][k];
                        }
                        grad[row + d] += e;
                    }
                }
                for (int k = 0; k < w.length; k++) {
                    w[k] -= lr * grad[k] / batch;
                }
            }
        }
        int[] tp = new int[1];
        int[] fp = new int[1];
        int[] fn = new int[1];
        int[] baseTp = new int[1];
        int[] baseFp = new int[1];
        int[] baseFn = new int[1];
        int drama = SyntheticPosters.GENRES.indexOf("Drama");
        int comedy = SyntheticPosters.GENRES.indexOf("Comedy");
        for (int i = train; i < data.size(); i++) {
            for (int g = 0; g < G; g++) {
                int row = g * (d + 1);
                float z = w[row + d];
                for (int k = 0; k < d; k++) {
                    z += w[row + k] * x[i][k];
                }
                count(z > 0, y[i][g] > 0.5f, tp, fp, fn);
                count(g == drama || g == comedy, y[i][g] > 0.5f, baseTp, baseFp, baseFn);
            }
        }
        double f1 = 2.0 * tp[0] / (2.0 * tp[0] + fp[0] + fn[0]);
        double base = 2.0 * baseTp[0] / (2.0 * baseTp[0] + baseFp[0] + baseFn[0]);
        System.out.printf("linear probe micro-F1 %.3f, always {Drama, Comedy} %.3f%n", f1, base);
        assertTrue(f1 > base + 0.2, "probe micro-F1 " + f1 + " vs constant " + base);
    }

    private static void count(boolean predicted, boolean actual, int[] tp, int[] fp, int[] fn) {
        if (predicted && actual) {
            tp[0]++;
        } else if (predicted) {
            fp[0]++;
        } else if (actual) {
            fn[0]++;
        }
    }
}
