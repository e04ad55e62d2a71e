package org.marquee.app.serve;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import javax.imageio.ImageIO;
import org.marquee.app.LoadedModel;
import org.marquee.app.metrics.Baselines;
import org.marquee.app.metrics.DecisionRule;
import org.marquee.app.train.InputNormalization;
import org.marquee.dataset.PosterDataset;
import org.marquee.dataset.PosterException;
import org.marquee.dataset.PosterImages;
import org.marquee.engine.Backend;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Conv2d;
import org.marquee.engine.nn.Layer;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * The poster model behind the page, loaded once: a poster's prediction (one forward pass, as
 * {@code predict} computes it), every layer's output, one convolution output written out as its
 * multiply-add, and the saliency of the top genre. The model is one set of buffers, so its passes
 * run one at a time; the last few posters' results are kept for the page's follow-up requests.
 */
public final class PosterService implements AutoCloseable {
    /** Posters whose results are kept (their layer outputs are about 30 MB each at 224x224). */
    static final int KEPT = 3;

    private final LoadedModel loaded;
    private final Sequential model;
    private final Backend backend;
    private final DecisionRule rule;
    private final String ruleText;
    private final List<String> genres;
    private final int size;
    private final InputNormalization normalization;
    private final PosterImages images;
    private final ReentrantLock modelLock = new ReentrantLock();
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Poster> kept = new LinkedHashMap<>(8, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, Poster> eldest) { return size() > KEPT; }
    };

    /** One poster's prediction; its layer outputs and saliency are computed when first asked for. */
    static final class Poster {
        final String id;
        final String name;
        final BufferedImage input;          // size x size RGB, as the model sees it before normalization
        final float[] pixels;               // (3, S, S), normalized as in training
        final double[] probabilities;
        final long forwardNanos;
        final List<String> truth;           // a test poster's genres, or null for an upload
        List<LayerOutput> layers;           // input first, then every layer of the model
        String saliency;                    // JSON

        Poster(String id, String name, BufferedImage input, float[] pixels, double[] probabilities, long forwardNanos, List<String> truth) {
            this.truth = truth;
            this.id = id;
            this.name = name;
            this.input = input;
            this.pixels = pixels;
            this.probabilities = probabilities;
            this.forwardNanos = forwardNanos;
        }
    }

    /** One layer's output for one poster: (C, H, W) maps or (F) values. */
    record LayerOutput(String name, String type, int[] shape, int parameters, float[] values, Layer layer) {
        boolean image() { return shape.length == 3; }
        int channels() { return image() ? shape[0] : 1; }
        int height() { return image() ? shape[1] : 1; }
        int width() { return image() ? shape[2] : shape[0]; }
    }

    /**
     * @param loaded  built with its input gradient ({@code LoadedModel.open(file, backend, raw, true)}); closed with this
     * @param rule    the decision rule {@code predict} applies
     */
    public PosterService(LoadedModel loaded, DecisionRule rule, String ruleText, long maxPixels) {
        this.loaded = loaded;
        this.model = loaded.model();
        this.backend = model.backend();
        this.rule = rule;
        this.ruleText = ruleText;
        this.genres = loaded.checkpoint().genres();
        this.size = loaded.imageSize();
        this.normalization = loaded.normalization();
        this.images = new PosterImages(size, maxPixels);
        if (rule.genres() != genres.size()) {
            throw new IllegalArgumentException("the decision rule has " + rule.genres() + " genres, the model " + genres.size());
        }
    }

    public List<String> genres() { return genres; }
    public int imageSize() { return size; }

    /** The model's description for the page: genres, rule, thresholds and the layers in summary order. */
    String describe(String checkpoint) {
        List<String> layers = new ArrayList<>();
        for (Layer l : model.layers()) {
            layers.add(Json.object().put("name", l.name()).put("type", l.type()).put("shape", l.outputShape())
                    .put("params", l.parameterCount()).toString());
        }
        return Json.object().put("checkpoint", checkpoint).put("imageSize", size).put("parameters", model.parameterCount())
                .putStrings("genres", genres).put("thresholds", rule.thresholds()).put("rule", ruleText)
                .put("backend", backend.describe()).raw("layers", Json.array(layers)).toString();
    }

    /**
     * Decodes the upload (the decompression-bomb limit applies before any pixel is decoded),
     * resizes it as {@code predict} does and runs the model once.
     *
     * @throws PosterException naming what is wrong with the bytes
     */
    Poster predict(String name, byte[] bytes) throws PosterException {
        BufferedImage sized = images.resize(PosterImages.decode(name, bytes, images.maxPixels()));
        byte[] chw = new byte[images.pixelsPerImage()];
        images.toChwBytes(sized, chw, 0);
        float[] pixels = new float[chw.length];
        for (int i = 0; i < chw.length; i++) pixels[i] = (chw[i] & 0xFF) / 255f;   // PosterImages.load's scaling
        return predict(name, sized, pixels, null);
    }

    /** The test split of the data the checkpoint was trained on, for the page to offer its posters; null: none. */
    public PosterService withTestSplit(PosterDataset test, String description) {
        if (test != null && (test.imageSize() != size || !test.genres().names().equals(genres))) {
            throw new IllegalArgumentException("the test posters (" + test.imageSize() + " px, genres " + test.genres().names()
                    + ") are not the model's (" + size + " px, genres " + genres + ")");
        }
        this.testSplit = test;
        this.testDescription = description;
        return this;
    }

    private PosterDataset testSplit;
    private String testDescription;

    /** The test posters the page can offer, at most {@code limit}: index, id and true genres. */
    String testsJson(int limit) {
        List<String> items = new ArrayList<>();
        if (testSplit != null) {
            int n = Math.min(limit, testSplit.size());
            float[] labels = new float[n * genres.size()];
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            testSplit.fillLabels(all, labels);
            for (int i = 0; i < n; i++) {
                items.add(Json.object().put("index", i).put("id", testSplit.id(i)).putStrings("genres", truth(labels, i)).toString());
            }
        }
        return Json.object().put("description", testDescription).put("count", testSplit == null ? 0 : testSplit.size())
                .raw("posters", Json.array(items)).toString();
    }

    private List<String> truth(float[] labels, int row) {
        List<String> t = new ArrayList<>();
        for (int j = 0; j < genres.size(); j++) if (labels[row * genres.size() + j] > 0.5f) t.add(genres.get(j));
        return t;
    }

    /** Test poster {@code index}, as the data set holds it (already resized), with its true genres. */
    Poster predictTest(int index) {
        if (testSplit == null) throw new BadRequest("no test posters are loaded: serve --test-posters");
        if (index < 0 || index >= testSplit.size()) throw new BadRequest("test poster " + index + " does not exist: 0 to " + (testSplit.size() - 1));
        float[] pixels = new float[testSplit.pixelsPerImage()];
        float[] labels = new float[genres.size()];
        testSplit.fillBatch(new int[] {index}, pixels, labels);
        BufferedImage image = PosterImages.toImage(pixels, 0, size);
        return predict("test poster " + testSplit.id(index), image, pixels, truth(labels, 0));
    }

    private Poster predict(String name, BufferedImage sized, float[] pixels, List<String> truth) {
        if (normalization != null) normalization.apply(pixels);
        double[] z;
        long t0;
        long nanos;
        modelLock.lock();
        try (Tensor x = backend.allocate(1, 3, size, size)) {
            t0 = System.nanoTime();
            backend.upload(x, pixels);
            z = model.forward(x, false).toDoubles();
            nanos = System.nanoTime() - t0;
        } finally {
            modelLock.unlock();
        }
        double[] p = new double[z.length];
        for (int j = 0; j < z.length; j++) p[j] = 1 / (1 + Math.exp(-z[j]));   // as predict computes them
        Poster poster = new Poster(Long.toString(ids.incrementAndGet()), name, sized, pixels, p, nanos, truth);
        synchronized (kept) { kept.put(poster.id, poster); }
        return poster;
    }

    /** A kept poster, or null once it has made room for newer ones. */
    Poster poster(String id) {
        synchronized (kept) { return kept.get(id); }
    }

    String predictionJson(Poster poster) {
        boolean[] decided = rule.decide(poster.probabilities);
        List<String> bars = new ArrayList<>();
        for (int j = 0; j < genres.size(); j++) {
            bars.add(Json.object().put("genre", genres.get(j)).put("p", poster.probabilities[j])
                    .put("label", String.format(Locale.ROOT, "%.4f", poster.probabilities[j]))   // predict's text form; "p" is --json's
                    .put("threshold", rule.thresholds()[j]).put("decided", decided[j]).toString());
        }
        List<String> chosen = new ArrayList<>();
        for (int j : Baselines.topK(poster.probabilities, poster.probabilities.length)) if (decided[j]) chosen.add(genres.get(j));
        return Json.object().put("id", poster.id).put("name", poster.name).put("input", dataUrl(poster.input))
                .raw("bars", Json.array(bars)).putStrings("decided", chosen).put("rule", ruleText)
                .raw("truth", poster.truth == null ? "null" : Json.strings(poster.truth))
                .put("forwardMillis", poster.forwardNanos / 1e6).toString();
    }

    /** Every layer's output for the poster, input first, in the order of {@code summary}, run one layer at a time. */
    List<LayerOutput> layers(Poster poster) {
        synchronized (poster) {
            if (poster.layers != null) return poster.layers;
            List<LayerOutput> out = new ArrayList<>();
            out.add(new LayerOutput("input", "Input", model.inputShape(), 0, poster.pixels, null));
            modelLock.lock();
            try (Tensor x = backend.allocate(1, 3, size, size)) {
                backend.upload(x, poster.pixels);
                Tensor h = x;
                for (Layer layer : model.layers()) {
                    h = layer.forward(h, false);
                    out.add(new LayerOutput(layer.name(), layer.type(), layer.outputShape(), layer.parameterCount(), h.toFloats(), layer));
                }
            } finally {
                modelLock.unlock();
            }
            poster.layers = List.copyOf(out);
            return poster.layers;
        }
    }

    String layersJson(Poster poster) {
        List<String> items = new ArrayList<>();
        List<LayerOutput> layers = layers(poster);
        for (int i = 0; i < layers.size(); i++) {
            LayerOutput l = layers.get(i);
            Json j = Json.object().put("index", i).put("name", l.name()).put("type", l.type()).put("shape", l.shape())
                    .put("params", l.parameters()).put("image", l.image()).put("conv", l.layer() instanceof Conv2d);
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (float v : l.values()) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
            j.put("min", lo).put("max", hi);
            if (l.image()) {
                j.put("columns", Montage.columns(l.channels())).put("gap", Montage.GAP);
            } else if (l.values().length <= 1024) {
                double[] v = new double[l.values().length];
                for (int k = 0; k < v.length; k++) v[k] = l.values()[k];
                j.put("values", v);
            }
            items.add(j.toString());
        }
        return Json.object().put("id", poster.id).raw("layers", Json.array(items)).toString();
    }

    LayerOutput layer(Poster poster, int index) {
        List<LayerOutput> layers = layers(poster);
        if (index < 0 || index >= layers.size()) throw new BadRequest("layer " + index + " does not exist: 0 to " + (layers.size() - 1));
        return layers.get(index);
    }

    /** All of a layer's maps in one grid, each scaled to its own range. */
    byte[] montage(Poster poster, int index) {
        LayerOutput l = layer(poster, index);
        if (!l.image()) throw new BadRequest(l.name() + " has no maps: its output is " + Arrays.toString(l.shape()));
        return png(Montage.draw(l.values(), l.channels(), l.height(), l.width()));
    }

    /** One map, one pixel per value. */
    byte[] map(Poster poster, int index, int channel) {
        LayerOutput l = layer(poster, index);
        if (!l.image()) throw new BadRequest(l.name() + " has no maps: its output is " + Arrays.toString(l.shape()));
        check("channel", channel, l.channels());
        int plane = l.height() * l.width();
        return png(Montage.draw(Arrays.copyOfRange(l.values(), channel * plane, (channel + 1) * plane), 1, l.height(), l.width(), 0));
    }

    /**
     * One value of a layer's output; for a convolution also the window of its input it came from,
     * the kernel, the bias and the multiply-add, summed on the reference backend (float64).
     */
    String value(Poster poster, int index, int channel, int y, int x) {
        LayerOutput l = layer(poster, index);
        check("channel", channel, l.channels());
        check("y", y, l.height());
        check("x", x, l.width());
        double shown = l.values()[(channel * l.height() + y) * l.width() + x];
        Json j = Json.object().put("layer", l.name()).put("type", l.type()).put("channel", channel).put("y", y).put("x", x)
                .put("value", shown);
        if (l.layer() instanceof Conv2d conv) {
            float[] input = layers(poster).get(index - 1).values();   // the convolution's input, (C, H, W)
            ConvGeometry g = conv.geometry();
            double[] weights, bias;
            modelLock.lock();
            try {
                weights = conv.weights().toDoubles();
                bias = conv.bias().toDoubles();
            } finally {
                modelLock.unlock();
            }
            MultiplyAdd m = MultiplyAdd.of(g, input, weights, bias, channel, y, x);
            j.put("channels", g.c()).put("kh", g.kh()).put("kw", g.kw()).put("window", m.window()).put("kernel", m.kernel())
                    .put("bias", m.bias()).put("partials", m.partials()).put("sum", m.sum())
                    .put("inputLayer", layers(poster).get(index - 1).name());
        }
        return j.toString();
    }

    /** The saliency map of the top genre over the poster. */
    String saliency(Poster poster) {
        synchronized (poster) {
            if (poster.saliency != null) return poster.saliency;
            int top = Baselines.topK(poster.probabilities, 1)[0];
            double[] gradient;
            modelLock.lock();
            try {
                gradient = Saliency.logitGradient(model, poster.pixels, top);
            } finally {
                modelLock.unlock();
            }
            double[] m = Saliency.magnitude(gradient, 3, size, size);
            poster.saliency = Json.object().put("genre", genres.get(top)).put("p", poster.probabilities[top])
                    .put("image", dataUrl(Saliency.overlay(poster.input, m))).toString();
            return poster.saliency;
        }
    }

    private static void check(String what, int v, int bound) {
        if (v < 0 || v >= bound) throw new BadRequest(what + " " + v + " is out of range: 0 to " + (bound - 1));
    }

    static String dataUrl(BufferedImage image) {
        return "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png(image));
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A request that names something that does not exist or is out of range: 400 with this message. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        BadRequest(String message) { super(message); }
    }

    @Override
    public void close() {
        modelLock.lock();
        try {
            loaded.close();
            backend.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the backend: " + e.getMessage(), e);
        } finally {
            modelLock.unlock();
        }
    }
}
