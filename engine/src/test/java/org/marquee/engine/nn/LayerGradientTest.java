package org.marquee.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.check.GradientCheck;
import org.marquee.engine.check.GradientCheckResult;
import org.marquee.engine.check.Objective;
import org.marquee.engine.reference.ReferenceBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Central-difference checks of every layer's input and parameter gradients, on varied geometry. */
class LayerGradientTest {
    private final Backend ref = new ReferenceBackend();
    private final GradientCheck.Options options = GradientCheck.Options.defaults();

    static Stream<Arguments> convGeometries() {
        List<Arguments> all = new ArrayList<>();
        for (int batch : new int[] {1, 2})
            for (int channels : new int[] {1, 3})
                for (int kernel : new int[] {1, 3})
                    for (int stride : new int[] {1, 2})
                        for (int pad : new int[] {0, 1})
                            all.add(Arguments.of(batch, channels, kernel, stride, pad));
        return all.stream();
    }

    @ParameterizedTest(name = "N={0} C={1} kernel={2} stride={3} pad={4}")
    @MethodSource("convGeometries")
    void conv2dGradients(int batch, int channels, int kernel, int stride, int pad) {
        Sequential model = Sequential.builder(ref, channels, 5, 7).withInputGradient()
                .conv2d(2, kernel, kernel, stride, pad).build(11);
        Tensor x = TestTensors.uniform(ref, 3, batch, channels, 5, 7);
        expectPass(model, x, batch * channels * 35 + model.parameterCount());
    }

    @ParameterizedTest(name = "non-square kernel 2x3, stride {0}")
    @ValueSource(ints = {1, 2})
    void conv2dNonSquareKernel(int stride) {
        Sequential model = Sequential.builder(ref, 2, 6, 5).withInputGradient().conv2d(3, 2, 3, stride, 1).build(5);
        expectPass(model, TestTensors.uniform(ref, 4, 2, 2, 6, 5), 2 * 2 * 30 + model.parameterCount());
    }

    @ParameterizedTest(name = "N={0}")
    @ValueSource(ints = {1, 2})
    void denseGradients(int batch) {
        Sequential model = Sequential.builder(ref, 5).withInputGradient().dense(3).build(7);
        expectPass(model, TestTensors.uniform(ref, 8, batch, 5), batch * 5 + 18);
    }

    @ParameterizedTest(name = "N={0} C={1} {2}x{3}")
    @MethodSource("poolGeometries")
    void maxPoolGradients(int batch, int channels, int h, int w) {
        Sequential model = Sequential.builder(ref, channels, h, w).withInputGradient().maxPool2x2().build(1);
        expectPass(model, TestTensors.distinct(ref, 9, batch, channels, h, w), batch * channels * h * w);
    }

    static Stream<Arguments> poolGeometries() {
        return Stream.of(Arguments.of(1, 1, 4, 6), Arguments.of(2, 3, 4, 6), Arguments.of(2, 1, 5, 7), Arguments.of(1, 3, 7, 4));
    }

    @ParameterizedTest(name = "N={0}")
    @ValueSource(ints = {1, 2})
    void reluGradients(int batch) {
        Sequential model = Sequential.builder(ref, 3, 4, 5).withInputGradient().relu().build(1);
        assertTrue(!((ReLU) model.layers().get(0)).inPlace(), "a lone ReLU must not overwrite the caller's input");
        expectPass(model, TestTensors.awayFromZero(ref, 10, batch, 3, 4, 5), batch * 60);
    }

    @ParameterizedTest(name = "N={0}")
    @ValueSource(ints = {1, 2})
    void dropoutGradientsWithAFixedMask(int batch) {
        Sequential model = Sequential.builder(ref, 2, 3, 4).withInputGradient().dropout(0.5).build(1);
        model.setStep(3);
        GradientCheckResult r = expectPass(model, TestTensors.uniform(ref, 12, batch, 2, 3, 4), batch * 24);
        long dropped = r.entries().stream().filter(e -> e.numeric() == 0 && e.analytic() == 0).count();
        assertTrue(dropped > 0 && dropped < r.entries().size(), "some but not all inputs dropped: " + dropped);
    }

    @ParameterizedTest(name = "N={0}")
    @ValueSource(ints = {1, 2})
    void inPlaceReluAndDropoutBetweenLayers(int batch) {
        Sequential model = Sequential.builder(ref, 5).withInputGradient().dense(6).relu().dropout(0.5).dense(3).build(4);
        assertTrue(((ReLU) model.layers().get(1)).inPlace() && ((Dropout) model.layers().get(2)).inPlace());
        model.setStep(2);
        expectPass(model, TestTensors.uniform(ref, 14, batch, 5), batch * 5 + 5 * 6 + 6 + 6 * 3 + 3);
    }

    @ParameterizedTest(name = "N={0}")
    @ValueSource(ints = {1, 2})
    void flattenThenDenseGradients(int batch) {
        Sequential model = Sequential.builder(ref, 2, 3, 2).withInputGradient().flatten().dense(4).build(2);
        expectPass(model, TestTensors.uniform(ref, 13, batch, 2, 3, 2), batch * 12 + 12 * 4 + 4);
    }

    private GradientCheckResult expectPass(Sequential model, Tensor x, long expectedEntries) {
        GradientCheckResult r = GradientCheck.check(model, x, Objective.weightedSum(17), options);
        assertEquals(expectedEntries, r.entries().size(), "every input and parameter element is checked");
        assertTrue(r.passed(), () -> r.summary() + r.failures());
        assertTrue(r.entries().stream().anyMatch(e -> Math.abs(e.analytic()) > 1e-3), "gradients are not all trivial");
        return r;
    }
}
