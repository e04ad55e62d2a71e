package org.marquee.app.serve;

import java.awt.image.BufferedImage;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Sequential;

/**
 * Why the model chose a genre: the gradient of that genre's logit with respect to the input
 * pixels, d z_j / d x, from one forward and one backward pass with dL/dz = the one-hot vector of
 * genre j. The model must be built with its input gradient (the first convolution then computes
 * dL/dx as well, which training never asks of it).
 */
public final class Saliency {
    private Saliency() {}

    /**
     * @param model  built with {@code withInputGradient()}
     * @param poster one poster as the model sees it (normalized if it was trained so), (C, H, W)
     * @return d logit[genre] / d poster, (C, H, W)
     */
    public static double[] logitGradient(Sequential model, float[] poster, int genre) {
        Backend backend = model.backend();
        int classes = model.outputShape()[0];
        if (genre < 0 || genre >= classes) throw new IllegalArgumentException("genre " + genre + " of " + classes);
        int[] in = model.inputShape();
        try (Tensor x = backend.allocate(1, in[0], in[1], in[2]); Tensor d = backend.allocate(1, classes)) {
            backend.upload(x, poster);
            double[] oneHot = new double[classes];
            oneHot[genre] = 1;
            backend.upload(d, oneHot);
            model.forward(x, false);
            model.backward(d);
            Tensor g = model.inputGradient();
            if (g == null) throw new IllegalStateException("the model computes no input gradient: build it with withInputGradient()");
            double[] out = g.toDoubles();
            model.zeroGradients();   // the parameters' gradients this added are of no use here
            return out;
        }
    }

    /** Per pixel, the largest |gradient| over the channels, (H, W), scaled so that its maximum is 1. */
    public static double[] magnitude(double[] gradient, int channels, int h, int w) {
        double[] m = new double[h * w];
        double max = 0;
        for (int p = 0; p < h * w; p++) {
            double v = 0;
            for (int c = 0; c < channels; c++) v = Math.max(v, Math.abs(gradient[c * h * w + p]));
            m[p] = v;
            max = Math.max(max, v);
        }
        if (max > 0) for (int p = 0; p < m.length; p++) m[p] /= max;
        return m;
    }

    /** The poster in grey with the magnitude over it in red: the brighter the red, the more that pixel moves the logit. */
    public static BufferedImage overlay(BufferedImage poster, double[] magnitude) {
        int w = poster.getWidth(), h = poster.getHeight();
        if (magnitude.length != w * h) throw new IllegalArgumentException("magnitude has " + magnitude.length + " values for " + w + "x" + h);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = poster.getRGB(x, y);
                double grey = (0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255)) * 0.5;
                double a = Math.sqrt(magnitude[y * w + x]);   // the square root lifts the weaker pixels into view
                int r = (int) Math.round(grey + a * (255 - grey));
                int gb = (int) Math.round(grey * (1 - a));
                img.setRGB(x, y, (r << 16) | (gb << 8) | gb);
            }
        }
        return img;
    }
}
