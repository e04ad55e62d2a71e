package org.marquee.app.teach;

import java.util.Locale;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Tensor;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * The guide's small examples of ReLU, max pooling, dropout and dense layers, each computed by the
 * reference backend's primitive that the layer calls.
 */
final class LayerExamples {
    private LayerExamples() {}

    private static Tensor tensor(ReferenceBackend ref, double[] values, int... shape) {
        Tensor t = ref.allocate(shape);
        ref.upload(t, values);
        return t;
    }

    static final double[] RELU_X = {-2, -0.5, 0.25, 1, 3};

    static String relu() {
        ReferenceBackend ref = new ReferenceBackend();
        int n = RELU_X.length;
        Tensor x = tensor(ref, RELU_X, n), y = ref.allocate(n), dy = ref.allocate(n), dx = ref.allocate(n);
        ref.relu(x, y);
        ref.fill(dy, 1);
        ref.reluBackward(y, dy, dx);
        double[] rows = new double[4 * n];
        System.arraycopy(RELU_X, 0, rows, 0, n);
        System.arraycopy(y.toDoubles(), 0, rows, n, n);
        System.arraycopy(dy.toDoubles(), 0, rows, 2 * n, n);
        System.arraycopy(dx.toDoubles(), 0, rows, 3 * n, n);
        String[] lines = Text.grid(rows, 4, n, "").split("\n");
        String[] labels = {"x", "y = max(x, 0)", "dy", "dx = dy·(y>0)"};
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < 4; r++) sb.append(String.format(Locale.ROOT, "%-14s %s%n", labels[r], lines[r]));
        return sb.toString();
    }

    static final double[] POOL_X = {
        1, 5, 2, 0,
        3, 4, 8, 6,
        0, 2, 1, 1.5,
        7, 1, 0.5, 3};
    static final double[] POOL_DY = {10, 20, 30, 40};

    /** y, argmax and the routed gradient of one 4x4 plane. */
    static double[][] pool() {
        ReferenceBackend ref = new ReferenceBackend();
        Tensor x = tensor(ref, POOL_X, 1, 4, 4), y = ref.allocate(1, 2, 2), arg = ref.allocate(1, 2, 2);
        ref.maxPool2x2(x, 1, 4, 4, y, arg);
        Tensor dx = ref.allocate(1, 4, 4);
        ref.maxPool2x2Backward(tensor(ref, POOL_DY, 1, 2, 2), arg, 1, 4, 4, dx);
        return new double[][] {y.toDoubles(), arg.toDoubles(), dx.toDoubles()};
    }

    static String poolFigure() {
        double[][] r = pool();
        return "x (4, 4)                y = maxPool2x2(x) (2, 2)   argmax (dy*2 + dx)\n"
                + sideBySide(new int[] {24, 27}, Text.grid(POOL_X, 4, 4, "  "), Text.grid(r[0], 2, 2, "  "), Text.grid(r[1], 2, 2, "  "))
                + "\ndy (2, 2)               dx = routed to the winners (4, 4)\n"
                + sideBySide(new int[] {24}, Text.grid(POOL_DY, 2, 2, "  "), Text.grid(r[2], 4, 4, "  "));
    }

    /** Text blocks next to each other, block i starting at column widths[0] + ... + widths[i-1]. */
    private static String sideBySide(int[] widths, String... blocks) {
        String[][] lines = new String[blocks.length][];
        int rows = 0;
        for (int i = 0; i < blocks.length; i++) { lines[i] = blocks[i].split("\n"); rows = Math.max(rows, lines[i].length); }
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < blocks.length; i++) {
                String s = r < lines[i].length ? lines[i][r] : "";
                line.append(s);
                if (i + 1 < blocks.length) line.append(" ".repeat(Math.max(1, widths[i] - s.length())));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    static final long DROPOUT_SEED = 1, DROPOUT_STEP = 1;
    static final double DROPOUT_RATE = 0.25;
    static final int DROPOUT_LARGE = 1_000_000;

    /** {kept share, mean mask value} over a million elements. */
    static double[] dropoutLarge() {
        ReferenceBackend ref = new ReferenceBackend();
        Tensor mask = ref.allocate(DROPOUT_LARGE);
        ref.dropoutMask(mask, DROPOUT_SEED, DROPOUT_STEP, DROPOUT_RATE);
        double kept = 0, sum = 0;
        for (double v : mask.toDoubles()) { if (v != 0) kept++; sum += v; }
        return new double[] {kept / DROPOUT_LARGE, sum / DROPOUT_LARGE};
    }

    static String dropout() {
        ReferenceBackend ref = new ReferenceBackend();
        Tensor mask = ref.allocate(12);
        ref.dropoutMask(mask, DROPOUT_SEED, DROPOUT_STEP, DROPOUT_RATE);
        double[] large = dropoutLarge();
        return String.format(Locale.ROOT, "rate %.2f, seed %d, step %d: mask of the first 12 elements%n", DROPOUT_RATE, DROPOUT_SEED, DROPOUT_STEP)
                + Text.grid(mask.toDoubles(), 1, 12, "  ")
                + String.format(Locale.ROOT, "over %,d elements: %.4f kept, mean mask value %.4f%n", DROPOUT_LARGE, large[0], large[1]);
    }

    static final double[] DENSE_X = {1, 2, 0, -1, 0.5, 3};     // (2, 3)
    static final double[] DENSE_W = {1, -1, 0, 2, 1, 1};       // (3, 2)
    static final double[] DENSE_B = {0.5, -0.5};

    static String dense() {
        ReferenceBackend ref = new ReferenceBackend();
        Tensor x = tensor(ref, DENSE_X, 2, 3), w = tensor(ref, DENSE_W, 3, 2), y = ref.allocate(2, 2);
        ref.gemm(false, false, 2, 2, 3, 1, x, w, 0, y);
        ref.addBias(y, tensor(ref, DENSE_B, 2), 2, 2, 1);
        return "X (N, in) = (2, 3)      W (in, out) = (3, 2)    b (out) = (2)\n"
                + sideBySide(new int[] {24, 24}, Text.grid(DENSE_X, 2, 3, "  "), Text.grid(DENSE_W, 3, 2, "  "), Text.grid(DENSE_B, 1, 2, "  "))
                + "\nY = X · W + b, (N, out) = (2, 2)\n" + Text.grid(y.toDoubles(), 2, 2, "  ");
    }

    /** Rows of the loss table: (logit z, target t). */
    static final double[][] BCE_ROWS = {{0, 1}, {2, 1}, {-2, 1}, {40, 1}, {40, 0}, {-800, 1}, {800, 0}};

    /** -t·log(s) - (1-t)·log(1-s) with s = sigmoid(z) computed first: the textbook form. */
    static double naiveCrossEntropy(double z, double t) {
        double s = 1 / (1 + Math.exp(-z));
        return -t * Math.log(s) - (1 - t) * Math.log(1 - s);
    }

    static String crossEntropyTable() {
        ReferenceBackend ref = new ReferenceBackend();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%7s %3s %14s %14s %14s%n", "z", "t", "naive", "fused", "dL/dz = s - t"));
        for (double[] row : BCE_ROWS) {
            Tensor z = tensor(ref, new double[] {row[0]}, 1), t = tensor(ref, new double[] {row[1]}, 1), g = ref.allocate(1);
            double fused = ref.sigmoidCrossEntropy(z, t, g);
            sb.append(String.format(Locale.ROOT, "%7s %3s %14.6g %14.6g %14.6g%n", Text.num(row[0]), Text.num(row[1]),
                    naiveCrossEntropy(row[0], row[1]), fused, g.toDoubles()[0]));
        }
        return sb.toString();
    }

    static final double[] ADAM_GRADS = {0.001, 1, 1000};

    /** Three parameters, all starting at 1, each with a constant gradient of a different size. */
    static String adam() {
        ReferenceBackend ref = new ReferenceBackend();
        AdamConfig config = AdamConfig.keras().withLearningRate(0.01);
        int n = ADAM_GRADS.length;
        Tensor p = ref.allocate(n), g = tensor(ref, ADAM_GRADS, n), m = ref.allocate(n), v = ref.allocate(n);
        ref.fill(p, 1);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "lr %.2f, beta1 %.1f, beta2 %.3f, epsilon %.0e; every parameter starts at 1%n",
                config.learningRate(), config.beta1(), config.beta2(), config.epsilon()));
        sb.append(String.format(Locale.ROOT, "%-6s %12s %12s %12s%n", "step", "g = 0.001", "g = 1", "g = 1000"));
        for (int t = 1; t <= 3; t++) {
            ref.adamStep(p, g, m, v, config, t, 1);
            double[] pv = p.toDoubles();
            sb.append(String.format(Locale.ROOT, "%-6d %12.6f %12.6f %12.6f%n", t, pv[0], pv[1], pv[2]));
        }
        return sb.toString();
    }
}
