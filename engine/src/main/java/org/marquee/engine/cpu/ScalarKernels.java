package org.marquee.engine.cpu;

import org.marquee.engine.AdamConfig;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.DropoutHash;
import org.marquee.engine.Losses;
import org.marquee.engine.SgdConfig;

/**
 * The readable float32 twin of {@link FastKernels}: one plain loop per formula, one thread, no
 * vectors. Selected with {@link CpuOptions#scalar()} ({@code -Dmarquee.cpu.scalar=true}); also
 * used by the fast path for work too small to be worth splitting.
 */
final class ScalarKernels implements CpuKernels {

    @Override
    public void fill(float[] x, int xo, int n, float value) { java.util.Arrays.fill(x, xo, xo + n, value); }

    /** C = alpha * op(A) op(B) + beta * C; op(A)[i][p] is A[i*K + p], or A[p*M + i] when transposed. */
    @Override
    public void gemm(GemmOperands op, float beta, Slice target) {
        boolean transA = op.transA(), transB = op.transB();
        int m = op.m(), n = op.n(), k = op.depth(), ao = op.a().offset(), bo = op.b().offset(), co = target.offset();
        float alpha = op.alpha();
        float[] a = op.a().array(), b = op.b().array(), c = target.array();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[ao + p * m + i] : a[ao + i * k + p];
                    float bpj = transB ? b[bo + j * k + p] : b[bo + p * n + j];
                    sum += aip * bpj;
                }
                int ci = co + i * n + j;
                c[ci] = beta == 0f ? alpha * sum : alpha * sum + beta * c[ci];
            }
        }
    }

    /** cols[(c*KH + i)*KW + j][oy*OW + ox] = x[c][oy*s + i - pad][ox*s + j - pad], 0 outside. */
    @Override
    public void im2col(float[] x, int xo, ConvGeometry g, float[] cols, int co) {
        int oh = g.oh(), ow = g.ow();
        for (int row = 0; row < g.patch(); row++) {
            int c = row / (g.kh() * g.kw()), i = row / g.kw() % g.kh(), j = row % g.kw();
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int y = oy * g.stride() + i - g.pad(), xx = ox * g.stride() + j - g.pad();
                    boolean inside = y >= 0 && y < g.h() && xx >= 0 && xx < g.w();
                    cols[co + (row * oh + oy) * ow + ox] = inside ? x[xo + (c * g.h() + y) * g.w() + xx] : 0f;
                }
            }
        }
    }

    /** x[c][y][x] += cols[row][oy*OW + ox] for every column entry that im2col read from (c, y, x). */
    @Override
    public void col2imAdd(float[] cols, int co, ConvGeometry g, float[] x, int xo) {
        int oh = g.oh(), ow = g.ow();
        for (int row = 0; row < g.patch(); row++) {
            int c = row / (g.kh() * g.kw()), i = row / g.kw() % g.kh(), j = row % g.kw();
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int y = oy * g.stride() + i - g.pad(), xx = ox * g.stride() + j - g.pad();
                    if (y >= 0 && y < g.h() && xx >= 0 && xx < g.w()) {
                        x[xo + (c * g.h() + y) * g.w() + xx] += cols[co + (row * oh + oy) * ow + ox];
                    }
                }
            }
        }
    }

    @Override
    public void addBias(float[] y, int yo, float[] bias, int bo, int outer, int channels, int inner) {
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < inner; i++)
                    y[yo + (o * channels + c) * inner + i] += bias[bo + c];
    }

    /** dBias[c] += sum over o, i of dy[o][c][i] (summed in double, stored in float). */
    @Override
    public void biasGrad(float[] dy, int dyo, float[] db, int dbo, int outer, int channels, int inner) {
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                    sum += dy[dyo + (o * channels + c) * inner + i];
            db[dbo + c] += (float) sum;
        }
    }

    @Override
    public void relu(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] = Math.max(x[xo + i], 0f);
    }

    /** dx = (y > 0 ? dy : 0); dx may be dy. */
    @Override
    public void reluBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        for (int i = 0; i < n; i++) dx[dxo + i] = y[yo + i] > 0f ? dy[dyo + i] : 0f;
    }

    @Override
    public void sigmoid(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] = (float) sigmoid(x[xo + i]);
    }

    static double sigmoid(double z) {
        if (z >= 0) return 1.0 / (1.0 + Math.exp(-z));
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    /** y = the maximum of each 2x2 window, arg = its position dy*2 + dx, first maximum wins. */
    @Override
    public void maxPool2x2(Slice in, int planes, int h, int w, Pooled out) {
        float[] x = in.array(), y = out.values().array(), arg = out.winners().array();
        int xo = in.offset(), yo = out.values().offset(), ao = out.winners().offset();
        int oh = h / 2, ow = w / 2;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float best = 0f;
                    int where = 0;
                    for (int q = 0; q < 4; q++) {
                        float v = x[xo + (p * h + 2 * oy + q / 2) * w + 2 * ox + q % 2];
                        if (q == 0 || v > best) { best = v; where = q; }
                    }
                    int o = (p * oh + oy) * ow + ox;
                    y[yo + o] = best;
                    arg[ao + o] = where;
                }
            }
        }
    }

    /** dx = 0, then dx[winner] = dy. */
    @Override
    public void maxPool2x2Backward(Pooled grads, int planes, int h, int w, Slice result) {
        float[] dy = grads.values().array(), arg = grads.winners().array(), dx = result.array();
        int dyo = grads.values().offset(), ao = grads.winners().offset(), dxo = result.offset();
        fill(dx, dxo, planes * h * w, 0f);
        int oh = h / 2, ow = w / 2;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int o = (p * oh + oy) * ow + ox;
                    int q = (int) arg[ao + o];
                    dx[dxo + (p * h + 2 * oy + q / 2) * w + 2 * ox + q % 2] = dy[dyo + o];
                }
            }
        }
    }

    @Override
    public void dropoutMask(float[] mask, int mo, int n, long seed, long step, long first, double rate) {
        for (int i = 0; i < n; i++) mask[mo + i] = (float) DropoutHash.maskValue(seed, step, first + i, rate);
    }

    @Override
    public void multiply(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] * b[bo + i];
    }

    /** loss = mean(max(z,0) - z*t + log(1 + e^-|z|)), grad = (sigmoid(z) - t) / n; see Backend. */
    @Override
    public double sigmoidCrossEntropy(float[] z, int zo, float[] t, int to, float[] g, int go, int n) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double zi = z[zo + i], ti = t[to + i];
            total += Losses.binaryCrossEntropy(zi, ti);
            g[go + i] = (float) ((sigmoid(zi) - ti) / n);
        }
        return total / n;
    }

    /**
     * Per row: lse = m + log(sum exp(z - m)) with m the row's largest logit, loss = sum t_c (lse - z_c),
     * grad = (p_c * sum(t) - t_c) / (rows * classes); in double, the gradient rounded to float.
     */
    @Override
    public double softmaxCrossEntropy(float[] z, int zo, float[] t, int to, float[] g, int go, int rows, int classes) {
        int n = rows * classes;
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int z0 = zo + r * classes, t0 = to + r * classes, g0 = go + r * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) max = Math.max(max, z[z0 + c]);
            double sum = 0, targetSum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(z[z0 + c] - max);
                targetSum += t[t0 + c];
            }
            double lse = max + Math.log(sum);
            for (int c = 0; c < classes; c++) {
                total += t[t0 + c] * (lse - z[z0 + c]);
                g[g0 + c] = (float) ((Math.exp(z[z0 + c] - lse) * targetSum - t[t0 + c]) / n);
            }
        }
        return total / n;
    }

    /** loss = mean((y - t)^2), grad = 2 (y - t) / n; in double, the gradient rounded to float. */
    @Override
    public double meanSquaredError(float[] y, int yo, float[] t, int to, float[] g, int go, int n) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) y[yo + i] - t[to + i];
            total += d * d;
            g[go + i] = (float) (2 * d / n);
        }
        return total / n;
    }

    @Override
    public double sumOfSquares(float[] x, int xo, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) x[xo + i] * x[xo + i];
        return s;
    }

    /** SGD with momentum in float: v = momentum*v + g, p -= lr*v (Nesterov: p -= lr*(g + momentum*v)); see Backend#sgdStep. */
    @Override
    public void sgdStep(float[] p, int po, float[] g, int go, float[] v, int vo, int n, SgdConfig cfg, double gradScale) {
        float lr = (float) cfg.learningRate(), mu = (float) cfg.momentum(), scale = (float) gradScale;
        boolean nesterov = cfg.nesterov();
        for (int i = 0; i < n; i++) {
            float gi = scale * g[go + i];
            float vi = mu * v[vo + i] + gi;
            v[vo + i] = vi;
            p[po + i] -= lr * (nesterov ? gi + mu * vi : vi);
        }
    }

    /** Keras' Adam; see Backend#adamStep. */
    @Override
    public void adamStep(AdamBuffers buffers, int n, AdamConfig cfg, long t, double gradScale) {
        float[] p = buffers.params().array(), g = buffers.grads().array();
        float[] m = buffers.firstMoment().array(), v = buffers.secondMoment().array();
        int po = buffers.params().offset(), go = buffers.grads().offset();
        int mo = buffers.firstMoment().offset(), vo = buffers.secondMoment().offset();
        float b1 = (float) cfg.beta1(), b2 = (float) cfg.beta2(), eps = (float) cfg.epsilon(), scale = (float) gradScale;
        float stepSize = (float) (cfg.learningRate() * Math.sqrt(1 - Math.pow(cfg.beta2(), t)) / (1 - Math.pow(cfg.beta1(), t)));
        for (int i = 0; i < n; i++) {
            float gi = scale * g[go + i];
            float mi = b1 * m[mo + i] + (1 - b1) * gi;
            float vi = b2 * v[vo + i] + (1 - b2) * gi * gi;
            m[mo + i] = mi;
            v[vo + i] = vi;
            p[po + i] -= stepSize * mi / ((float) Math.sqrt(vi) + eps);
        }
    }
}
