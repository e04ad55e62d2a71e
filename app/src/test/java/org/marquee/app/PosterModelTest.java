package org.marquee.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Layer;
import org.marquee.engine.nn.Loss;
import org.marquee.engine.nn.Parameter;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

class PosterModelTest {
    private final Backend ref = new ReferenceBackend();

    @Test
    void summaryMatchesTheKerasModelRowByRow() {
        try (Sequential model = PosterModel.build(ref, 1)) {
            assertArrayEquals(new int[] {3, 224, 224}, model.inputShape());
            assertArrayEquals(new int[] {27}, model.outputShape());
            assertEquals(11_172_443L, model.parameterCount());

            String[] expectedRows = {
                "conv2d_1 (Conv2D+ReLU)|(None, 32, 222, 222)|896",
                "max_pooling2d_1 (MaxPooling2D)|(None, 32, 111, 111)|0",
                "dropout_1 (Dropout)|(None, 32, 111, 111)|0",
                "conv2d_2 (Conv2D+ReLU)|(None, 64, 109, 109)|18,496",
                "max_pooling2d_2 (MaxPooling2D)|(None, 64, 54, 54)|0",
                "dropout_2 (Dropout)|(None, 64, 54, 54)|0",
                "conv2d_3 (Conv2D+ReLU)|(None, 128, 52, 52)|73,856",
                "max_pooling2d_3 (MaxPooling2D)|(None, 128, 26, 26)|0",
                "dropout_3 (Dropout)|(None, 128, 26, 26)|0",
                "flatten_1 (Flatten)|(None, 86528)|0",
                "dense_1 (Dense+ReLU)|(None, 128)|11,075,712",
                "dropout_4 (Dropout)|(None, 128)|0",
                "dense_2 (Dense)|(None, 27)|3,483",
            };
            List<String> rows = model.summary().lines()
                    .filter(l -> l.matches("^[a-z].*\\(.*\\).*") && !l.startsWith("Layer") && !l.startsWith("Model")
                            && !l.contains("params"))
                    .map(l -> String.join("|", l.trim().split("\\s{2,}")))
                    .toList();
            assertEquals(List.of(expectedRows), rows, model.summary());
            assertTrue(model.summary().contains("Total params: 11,172,443"), model.summary());
            assertTrue(model.summary().contains("Trainable params: 11,172,443"), model.summary());
            long sum = model.layers().stream().mapToLong(Layer::parameterCount).sum();
            assertEquals(11_172_443L, sum);
        }
    }

    @Test
    void smallVariantKeepsTheLayerSequence() {
        try (Sequential model = PosterModel.build(ref, 1, 30, 38, 5)) {
            assertEquals(List.of("Conv2D", "ReLU", "MaxPooling2D", "Dropout", "Conv2D", "ReLU", "MaxPooling2D", "Dropout",
                            "Conv2D", "ReLU", "MaxPooling2D", "Dropout", "Flatten", "Dense", "ReLU", "Dropout", "Dense"),
                    model.layers().stream().map(Layer::type).toList());
            assertArrayEquals(new int[] {128, 2, 3}, model.layers().get(11).outputShape());   // 30x38 -> 28x36 -> 14x18 -> 12x16 -> 6x8 -> 4x6 -> 2x3
            assertArrayEquals(new int[] {5}, model.outputShape());
        }
    }

    /**
     * One training step at batch 2 on the float64 reference backend, of the model's layers on
     * 40x40 posters (the layer code does not depend on the size; the full size's shapes are
     * checked above, and a full-size step takes seconds on the reference backend).
     */
    @Test
    void modelForwardAndBackwardAtBatchTwo() {
        try (Sequential model = PosterModel.build(ref, 2024, 40, 40, PosterModel.GENRES)) {
            assertArrayEquals(new int[] {128, 3, 3}, model.layers().get(11).outputShape());   // 40 -> 38 -> 19 -> 17 -> 8 -> 6 -> 3
            int n = 2;
            Tensor x = ref.allocate(n, 3, 40, 40);
            SplittableRandom r = new SplittableRandom(3);
            double[] pixels = new double[x.intSize()];
            for (int i = 0; i < pixels.length; i++) pixels[i] = r.nextDouble();      // like RGB / 255
            ref.upload(x, pixels);
            Tensor targets = ref.allocate(n, PosterModel.GENRES);
            double[] t = new double[n * PosterModel.GENRES];
            t[7] = 1; t[12] = 1; t[27 + 3] = 1;                                       // 1 to 3 genres each
            ref.upload(targets, t);
            Tensor grad = ref.allocate(n, PosterModel.GENRES);

            model.setStep(1);
            model.zeroGradients();
            double loss = Loss.sigmoidCrossEntropy(ref, model.forward(x, true), targets, grad);
            model.backward(grad);

            assertTrue(Double.isFinite(loss));
            assertEquals(Math.log(2), loss, 0.1, "Glorot init and zero biases give logits near 0");
            for (Parameter p : model.namedParameters()) {
                double sq = ref.sumOfSquares(p.gradient());
                assertTrue(Double.isFinite(sq) && sq > 0, p.name() + " received a gradient: " + sq);
            }
        }
    }
}
