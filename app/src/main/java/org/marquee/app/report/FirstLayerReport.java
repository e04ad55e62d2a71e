package org.marquee.app.report;

import java.io.IOException;
import java.nio.file.Path;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Conv2d;
import org.marquee.engine.nn.Layer;
import org.marquee.engine.nn.Sequential;

/** Writes {@code filters.png} and {@code feature-maps.png} for a model whose first layer is a convolution. */
public final class FirstLayerReport {
    private FirstLayerReport() {}

    /** @param image one poster (3, H, W) in [0, 1] */
    public static void write(Sequential model, float[] image, Path dir) throws IOException {
        if (!(model.layers().get(0) instanceof Conv2d conv)) {
            throw new IllegalArgumentException("the first layer is " + model.layers().get(0).type() + ", not Conv2D");
        }
        ConvGeometry g = conv.geometry();
        FilterImages.write(FilterImages.filters(conv.weights().toDoubles(), g.k(), g.c(), g.kh(), g.kw(), 16),
                dir.resolve("filters.png"));
        int[] in = model.inputShape();
        try (Tensor x = model.backend().allocate(1, in[0], in[1], in[2])) {   // (1, C, H, W)
            model.backend().upload(x, image);
            Tensor y = conv.forward(x, false);                                 // (1, K, OH, OW)
            if (model.layers().size() > 1) {
                Layer next = model.layers().get(1);
                if ("ReLU".equals(next.type())) y = next.forward(y, false);
            }
            FeatureMapImage.write(FeatureMapImage.draw(y.toDoubles(), g.k(), g.oh(), g.ow()), dir.resolve("feature-maps.png"));
        }
    }
}
