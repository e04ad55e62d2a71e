package org.marquee.engine.reference;

import static org.marquee.engine.TensorChecks.requireSize;
import static org.marquee.engine.TensorChecks.requireUploadLength;
import static org.marquee.engine.TensorChecks.sameSize;

import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.DropoutHash;
import org.marquee.engine.Losses;
import org.marquee.engine.Precision;
import org.marquee.engine.SgdConfig;
import org.marquee.engine.Storage;
import org.marquee.engine.Tensor;

/**
 * The reference backend: float64 storage and plain scalar loops, one formula per primitive.
 *
 * <p>This is the teaching path (read it to see what each operation computes) and the oracle that
 * the fast backends are tested against. It favours clarity over speed: no blocking, no threads,
 * no vectorization. Every loop reads {@code data[offset + index]}.
 */
public final class ReferenceBackend implements Backend {
    /** A reference backend: host arrays of doubles, no threads. */
    public ReferenceBackend() {}


    /** A plain {@code double[]}; once closed, a use of its tensor fails instead of reading stale values. */
    static final class DoubleStorage implements Storage {
        private final double[] data;
        private boolean closed;
        DoubleStorage(int n) { data = new double[n]; }
        double[] data() {
            if (closed) throw new IllegalStateException("reference tensor storage of " + data.length + " doubles was already closed");
            return data;
        }
        @Override public long capacity() { return data.length; }
        @Override public void close() { closed = true; }
    }

    @Override public String name() { return "reference"; }
    @Override public String describe() { return "reference (float64, scalar loops, 1 thread)"; }
    @Override public Precision precision() { return Precision.FLOAT64; }

    // ---------------------------------------------------------------- memory

    @Override
    public Tensor allocate(int... shape) {
        long n = org.marquee.engine.Shapes.size(shape);
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor too large for the reference backend: " + n);
        return Tensor.of(this, new DoubleStorage((int) n), shape);
    }

    /** The backing array of a tensor of this backend. */
    private double[] data(Tensor t) {
        if (t.backend() != this) throw new IllegalArgumentException(t + " does not belong to the reference backend");
        return ((DoubleStorage) t.storage()).data();
    }

    private static int off(Tensor t) { return (int) t.offset(); }

    @Override
    public void upload(Tensor dst, float[] src) {
        requireUploadLength(dst, src.length);
        double[] d = data(dst);
        for (int i = 0; i < src.length; i++) d[off(dst) + i] = src[i];
    }

    @Override
    public void upload(Tensor dst, double[] src) {
        requireUploadLength(dst, src.length);
        System.arraycopy(src, 0, data(dst), off(dst), src.length);
    }

    @Override
    public float[] download(Tensor src) {
        double[] d = data(src);
        float[] out = new float[src.intSize()];
        for (int i = 0; i < out.length; i++) out[i] = (float) d[off(src) + i];
        return out;
    }

    @Override
    public double[] downloadDoubles(Tensor src) {
        double[] out = new double[src.intSize()];
        System.arraycopy(data(src), off(src), out, 0, out.length);
        return out;
    }

    @Override
    public void fill(Tensor dst, double value) {
        java.util.Arrays.fill(data(dst), off(dst), off(dst) + dst.intSize(), value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (src.size() != dst.size()) throw new IllegalArgumentException("copy " + src + " -> " + dst + ": sizes differ");
        System.arraycopy(data(src), off(src), data(dst), off(dst), src.intSize());
    }

    // ---------------------------------------------------------------- gemm

    /**
     * C = alpha * op(A) * op(B) + beta * C, the textbook triple loop.
     * Element (i, p) of op(A) is A[i*K + p], or A[p*M + i] when transposed; likewise for B.
     */
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        requireSize("gemm A", a, (long) m * k);
        requireSize("gemm B", b, (long) k * n);
        requireSize("gemm C", c, (long) m * n);
        double[] A = data(a), B = data(b), C = data(c);
        int oa = off(a), ob = off(b), oc = off(c);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? A[oa + p * m + i] : A[oa + i * k + p];
                    double bpj = transB ? B[ob + j * k + p] : B[ob + p * n + j];
                    sum += aip * bpj;
                }
                int ci = oc + i * n + j;
                C[ci] = alpha * sum + (beta == 0 ? 0 : beta * C[ci]);
            }
        }
    }

    // ---------------------------------------------------------------- im2col / col2im

    /** cols[(c*KH + i)*KW + j][oy*OW + ox] = image[c][oy*stride + i - pad][ox*stride + j - pad] (0 outside). */
    @Override
    public void im2col(Tensor image, ConvGeometry g, Tensor cols) {
        requireSize("im2col image", image, (long) g.c() * g.h() * g.w());
        requireSize("im2col cols", cols, (long) g.patch() * g.positions());
        double[] x = data(image), col = data(cols);
        int ox0 = off(image), oc0 = off(cols);
        int oh = g.oh(), ow = g.ow();
        for (int c = 0; c < g.c(); c++) {
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    int row = (c * g.kh() + i) * g.kw() + j;
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            int y = oy * g.stride() + i - g.pad();
                            int xx = ox * g.stride() + j - g.pad();
                            boolean inside = y >= 0 && y < g.h() && xx >= 0 && xx < g.w();
                            col[oc0 + row * oh * ow + oy * ow + ox] = inside ? x[ox0 + (c * g.h() + y) * g.w() + xx] : 0.0;
                        }
                    }
                }
            }
        }
    }

    /** The adjoint of im2col: image[c][y][x] += cols[row][oy*OW + ox] for every (row, oy, ox) that read it. */
    @Override
    public void col2imAdd(Tensor cols, ConvGeometry g, Tensor image) {
        requireSize("col2im image", image, (long) g.c() * g.h() * g.w());
        requireSize("col2im cols", cols, (long) g.patch() * g.positions());
        double[] x = data(image), col = data(cols);
        int ox0 = off(image), oc0 = off(cols);
        int oh = g.oh(), ow = g.ow();
        for (int c = 0; c < g.c(); c++) {
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    int row = (c * g.kh() + i) * g.kw() + j;
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            int y = oy * g.stride() + i - g.pad();
                            int xx = ox * g.stride() + j - g.pad();
                            if (y >= 0 && y < g.h() && xx >= 0 && xx < g.w()) {
                                x[ox0 + (c * g.h() + y) * g.w() + xx] += col[oc0 + row * oh * ow + oy * ow + ox];
                            }
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- bias

    /** y[o][c][i] += bias[c]. */
    @Override
    public void addBias(Tensor y, Tensor bias, int outer, int channels, int inner) {
        requireSize("addBias y", y, (long) outer * channels * inner);
        requireSize("addBias bias", bias, channels);
        double[] Y = data(y), b = data(bias);
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < inner; i++)
                    Y[off(y) + (o * channels + c) * inner + i] += b[off(bias) + c];
    }

    /** dBias[c] += sum over o, i of dy[o][c][i]. */
    @Override
    public void biasGrad(Tensor dy, Tensor dBias, int outer, int channels, int inner) {
        requireSize("biasGrad dy", dy, (long) outer * channels * inner);
        requireSize("biasGrad dBias", dBias, channels);
        double[] D = data(dy), db = data(dBias);
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                    sum += D[off(dy) + (o * channels + c) * inner + i];
            db[off(dBias) + c] += sum;
        }
    }

    // ---------------------------------------------------------------- activations

    /** y = max(x, 0). */
    @Override
    public void relu(Tensor x, Tensor y) {
        sameSize("relu", x, y);
        double[] X = data(x), Y = data(y);
        for (int i = 0; i < x.intSize(); i++) Y[off(y) + i] = Math.max(X[off(x) + i], 0.0);
    }

    /**
     * dx = dy where the ReLU output was positive, else 0: the derivative of max(x, 0) is 1 for
     * x > 0 and 0 otherwise (0 at the kink). dx may be dy.
     */
    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        sameSize("reluBackward", y, dy);
        sameSize("reluBackward", y, dx);
        double[] Y = data(y), D = data(dy), X = data(dx);
        for (int i = 0; i < y.intSize(); i++) X[off(dx) + i] = Y[off(y) + i] > 0 ? D[off(dy) + i] : 0;
    }

    /** y = 1 / (1 + e^-x), written so that neither branch overflows. */
    @Override
    public void sigmoid(Tensor x, Tensor y) {
        sameSize("sigmoid", x, y);
        double[] X = data(x), Y = data(y);
        for (int i = 0; i < x.intSize(); i++) Y[off(y) + i] = stableSigmoid(X[off(x) + i]);
    }

    static double stableSigmoid(double z) {
        if (z >= 0) return 1.0 / (1.0 + Math.exp(-z));
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    // ---------------------------------------------------------------- pooling

    /** For each 2x2 window: y = its maximum, argmax = its position (dy*2 + dx), first maximum wins. */
    @Override
    public void maxPool2x2(Tensor x, int planes, int h, int w, Tensor y, Tensor argmax) {
        int oh = h / 2, ow = w / 2;
        requireSize("maxPool x", x, (long) planes * h * w);
        requireSize("maxPool y", y, (long) planes * oh * ow);
        requireSize("maxPool argmax", argmax, (long) planes * oh * ow);
        double[] X = data(x), Y = data(y), A = data(argmax);
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int where = 0;
                    for (int k = 0; k < 4; k++) {
                        double v = X[off(x) + (p * h + 2 * oy + k / 2) * w + 2 * ox + k % 2];
                        if (v > best || k == 0) { best = v; where = k; }
                    }
                    int o = (p * oh + oy) * ow + ox;
                    Y[off(y) + o] = best;
                    A[off(argmax) + o] = where;
                }
            }
        }
    }

    /**
     * dx[winner of window] = dy[window], every other element 0: only the maximum influenced the
     * output, so only it gets gradient.
     */
    @Override
    public void maxPool2x2Backward(Tensor dy, Tensor argmax, int planes, int h, int w, Tensor dx) {
        int oh = h / 2, ow = w / 2;
        requireSize("maxPoolBackward dy", dy, (long) planes * oh * ow);
        requireSize("maxPoolBackward argmax", argmax, (long) planes * oh * ow);
        requireSize("maxPoolBackward dx", dx, (long) planes * h * w);
        double[] D = data(dy), A = data(argmax), X = data(dx);
        java.util.Arrays.fill(X, off(dx), off(dx) + planes * h * w, 0.0);
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int o = (p * oh + oy) * ow + ox;
                    int k = (int) A[off(argmax) + o];
                    X[off(dx) + (p * h + 2 * oy + k / 2) * w + 2 * ox + k % 2] = D[off(dy) + o];
                }
            }
        }
    }

    // ---------------------------------------------------------------- dropout and elementwise

    /** mask[i] = 1/(1-rate) if element i is kept at this step, else 0 (inverted dropout). */
    @Override
    public void dropoutMask(Tensor mask, long seed, long step, long first, double rate) {
        double[] M = data(mask);
        for (int i = 0; i < mask.intSize(); i++) M[off(mask) + i] = DropoutHash.maskValue(seed, step, first + i, rate);
    }

    /** out = a * b, element by element. */
    @Override
    public void multiply(Tensor a, Tensor b, Tensor out) {
        sameSize("multiply", a, b);
        sameSize("multiply", a, out);
        double[] A = data(a), B = data(b), O = data(out);
        for (int i = 0; i < a.intSize(); i++) O[off(out) + i] = A[off(a) + i] * B[off(b) + i];
    }

    // ---------------------------------------------------------------- loss and optimizer

    /** The mean of {@link Losses#binaryCrossEntropy} over the elements; its derivative with respect to z is s - t. */
    @Override
    public double sigmoidCrossEntropy(Tensor logits, Tensor targets, Tensor grad) {
        sameSize("sigmoidCrossEntropy", logits, targets);
        sameSize("sigmoidCrossEntropy", logits, grad);
        double[] Z = data(logits), T = data(targets), G = data(grad);
        int n = logits.intSize();
        double total = 0;
        for (int i = 0; i < n; i++) {
            double z = Z[off(logits) + i], t = T[off(targets) + i];
            total += Losses.binaryCrossEntropy(z, t);
            G[off(grad) + i] = (stableSigmoid(z) - t) / n;
        }
        return total / n;
    }

    /**
     * Per row, the cross-entropy of softmax(z) against t from {@link Losses#logSumExp}:
     * {@code sum t_c (lse - z_c)}, and its derivative {@code p_c * sum(t) - t_c}; see {@link Backend#softmaxCrossEntropy}.
     */
    @Override
    public double softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor grad, int classes) {
        sameSize("softmaxCrossEntropy", logits, targets);
        sameSize("softmaxCrossEntropy", logits, grad);
        int rows = rowsOf("softmaxCrossEntropy", logits, classes);
        double[] Z = data(logits), T = data(targets), G = data(grad);
        int n = logits.intSize();
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int z0 = off(logits) + r * classes, t0 = off(targets) + r * classes, g0 = off(grad) + r * classes;
            double lse = Losses.logSumExp(Z, z0, classes);
            double targetSum = 0;
            for (int c = 0; c < classes; c++) {
                total += T[t0 + c] * (lse - Z[z0 + c]);
                targetSum += T[t0 + c];
            }
            for (int c = 0; c < classes; c++) G[g0 + c] = (Math.exp(Z[z0 + c] - lse) * targetSum - T[t0 + c]) / n;
        }
        return total / n;
    }

    /** The mean of {@link Losses#squaredError} over the elements; its derivative with respect to y is 2 (y - t). */
    @Override
    public double meanSquaredError(Tensor outputs, Tensor targets, Tensor grad) {
        sameSize("meanSquaredError", outputs, targets);
        sameSize("meanSquaredError", outputs, grad);
        double[] Y = data(outputs), T = data(targets), G = data(grad);
        int n = outputs.intSize();
        double total = 0;
        for (int i = 0; i < n; i++) {
            double y = Y[off(outputs) + i], t = T[off(targets) + i];
            total += Losses.squaredError(y, t);
            G[off(grad) + i] = 2 * (y - t) / n;
        }
        return total / n;
    }

    /** The number of rows of {@code t} viewed as (rows, classes). */
    private static int rowsOf(String op, Tensor t, int classes) {
        if (classes < 1 || t.size() % classes != 0) {
            throw new IllegalArgumentException(op + ": " + t + " of " + t.size() + " elements is not rows of " + classes + " classes");
        }
        return (int) (t.size() / classes);
    }

    @Override
    public double sumOfSquares(Tensor x) {
        double[] X = data(x);
        double s = 0;
        for (int i = 0; i < x.intSize(); i++) s += X[off(x) + i] * X[off(x) + i];
        return s;
    }

    /** Adam as Keras computes it; see {@link Backend#adamStep}. */
    @Override
    public void adamStep(Tensor params, Tensor grads, Tensor m, Tensor v, AdamConfig cfg, long t, double gradScale) {
        sameSize("adamStep", params, grads);
        sameSize("adamStep", params, m);
        sameSize("adamStep", params, v);
        if (t < 1) throw new IllegalArgumentException("Adam step count starts at 1: " + t);
        double[] P = data(params), G = data(grads), M = data(m), V = data(v);
        double b1 = cfg.beta1(), b2 = cfg.beta2();
        double stepSize = cfg.learningRate() * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
        for (int i = 0; i < params.intSize(); i++) {
            double g = gradScale * G[off(grads) + i];
            double mi = b1 * M[off(m) + i] + (1 - b1) * g;
            double vi = b2 * V[off(v) + i] + (1 - b2) * g * g;
            M[off(m) + i] = mi;
            V[off(v) + i] = vi;
            P[off(params) + i] -= stepSize * mi / (Math.sqrt(vi) + cfg.epsilon());
        }
    }

    /** SGD with momentum as {@link Backend#sgdStep} states it: v = momentum*v + g, p -= lr*v (or Nesterov's look-ahead). */
    @Override
    public void sgdStep(Tensor params, Tensor grads, Tensor velocity, SgdConfig cfg, double gradScale) {
        sameSize("sgdStep", params, grads);
        sameSize("sgdStep", params, velocity);
        double[] P = data(params), G = data(grads), V = data(velocity);
        double lr = cfg.learningRate(), mu = cfg.momentum();
        for (int i = 0; i < params.intSize(); i++) {
            double g = gradScale * G[off(grads) + i];
            double v = mu * V[off(velocity) + i] + g;
            V[off(velocity) + i] = v;
            P[off(params) + i] -= lr * (cfg.nesterov() ? g + mu * v : v);
        }
    }

}
