package org.marquee.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

/** Format 3 for any Sequential: full and weights-only checkpoints, a generic optimizer section, mismatches that name the tensor. */
class CheckpointsTest {
    private final Backend ref = new ReferenceBackend();
    @TempDir Path dir;

    private Sequential net(int hidden, long seed) {
        return Sequential.builder(ref, 6).dense(hidden).relu().dropout(0.25).dense(3).build(seed);
    }

    private static double[] ramp(int n, double scale) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = (i - n / 2.0) * scale;
        return a;
    }

    @Test
    void aFullCheckpointOfAnySequentialRestoresExactly() throws Exception {
        Sequential a = net(12, 1);
        a.setStep(17);
        try (Adam adam = Adam.forModel(a, AdamConfig.keras()); Sequential b = net(12, 2); Adam again = Adam.forModel(b, AdamConfig.keras())) {
            adam.setIterations(17);
            ref.upload(adam.m(), ramp((int) a.parameterCount(), 1e-3));
            ref.upload(adam.v(), ramp((int) a.parameterCount(), 1e-6));
            TrainingState t = new TrainingState(9, 2, 17, 0.5, 1, 1, "1,0.7\n2,0.6\n");
            RunSettings run = RunSettings.builder().put("batch size", 8).build();
            Path file = dir.resolve("a.ckpt");
            CheckpointFile.write(Checkpoints.snapshot(a, adam, List.of("x", "y", "z"), t, run, List.of()), file);
            assertEquals(3, ByteBuffer.wrap(Files.readAllBytes(file), 8, 4).getInt(), "format version 3");

            Checkpoint c = CheckpointFile.read(file);
            assertEquals(Checkpoints.SEQUENTIAL, c.model().architecture());
            assertArrayEquals(new int[] {6}, c.model().inputShape());
            assertEquals(3, c.model().outputs());
            assertEquals(List.of("dense_1/kernel [6, 12]", "dense_1/bias [12]", "dense_2/kernel [12, 3]", "dense_2/bias [3]"),
                    c.model().tensors().stream().map(ModelSpec.TensorSpec::describe).toList());
            assertEquals(Checkpoints.spec(Checkpoints.SEQUENTIAL, a), c.model());
            assertEquals(OptimizerState.ADAM, c.optimizer().name());
            assertEquals(List.of("m", "v"), c.optimizer().arrays().stream().map(NamedArray::name).toList());
            assertEquals(t, c.training());
            assertEquals(run, c.run());
            assertEquals(List.of("x", "y", "z"), c.labels());

            Checkpoints.restore(c, b, again);
            assertArrayEquals(a.parameters().toDoubles(), b.parameters().toDoubles());
            assertArrayEquals(adam.m().toDoubles(), again.m().toDoubles());
            assertArrayEquals(adam.v().toDoubles(), again.v().toDoubles());
            assertEquals(17, again.iterations());
            assertEquals(17, b.step());
        }
    }

    @Test
    void aWeightsOnlyCheckpointHasNoOptimizerSectionAndNoLabels() throws Exception {
        Sequential a = net(12, 1), b = net(12, 2);
        Path file = dir.resolve("w.ckpt");
        CheckpointFile.write(Checkpoints.snapshot(a, null, List.of(), TrainingState.initial(1), RunSettings.NONE, List.of()), file);
        Checkpoint c = CheckpointFile.read(file);
        assertFalse(c.hasOptimizerState());
        assertNull(c.optimizer());
        assertNull(c.adamM());
        assertTrue(c.labels().isEmpty());
        try (Adam adam = Adam.forModel(b, AdamConfig.keras())) {
            var e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.restore(c, b, adam));
            assertTrue(e.getMessage().contains("no optimizer state"), e.getMessage());
        }
        Checkpoints.restore(c, b, null);
        assertArrayEquals(a.parameters().toDoubles(), b.parameters().toDoubles());
    }

    @Test
    void anotherOptimizerFitsTheSameFormat() throws Exception {
        Sequential a = net(12, 1);
        int p = (int) a.parameterCount();
        double[] velocity = ramp(p, 0.01);
        velocity[12 * 6 + 5] = Double.NaN;   // dense_1/bias[5]
        OptimizerState sgd = new OptimizerState("sgd", 40, List.of(new NamedArray("velocity", Checkpoint.Precision.FLOAT64, velocity)));
        Checkpoint c = new Checkpoint(Checkpoints.spec("mlp", a), List.of(), TrainingState.initial(3), Checkpoint.Precision.FLOAT64,
                a.parameters().toDoubles(), sgd, RunSettings.NONE, List.of());
        Path file = dir.resolve("sgd.ckpt");
        CheckpointFile.write(c, file);
        Checkpoint r = CheckpointFile.read(file);
        assertEquals("sgd", r.optimizer().name());
        assertEquals(40, r.optimizer().steps());
        assertArrayEquals(velocity, r.optimizer().array("velocity").orElseThrow().values());
        assertNull(r.adamM());
        assertEquals("dense_1/bias[5] (sgd velocity) is NaN", Checkpoints.nonFinite(r, a).orElseThrow());
        try (Adam adam = Adam.forModel(a, AdamConfig.keras())) {
            velocity[12 * 6 + 5] = 0;
            Checkpoint finite = new Checkpoint(r.model(), r.labels(), r.training(), r.precision(), r.weights(),
                    new OptimizerState("sgd", 40, List.of(new NamedArray("velocity", Checkpoint.Precision.FLOAT64, velocity))), r.run(), r.extras());
            var e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.restore(finite, a, adam));
            assertTrue(e.getMessage().contains("the state of sgd, not of adam"), e.getMessage());
        }
    }

    @Test
    void anotherModelIsRefusedNamingTheTensor() throws Exception {
        Path file = dir.resolve("a.ckpt");
        CheckpointFile.write(Checkpoints.snapshot(net(12, 1), null, List.of(), TrainingState.initial(1), RunSettings.NONE, List.of()), file);
        Checkpoint c = CheckpointFile.read(file);
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.restore(c, net(10, 1), null));
        assertTrue(e.getMessage().contains("parameter tensor 1 is dense_1/kernel [6, 12] in the file but dense_1/kernel [6, 10] in the model"),
                e.getMessage());
        Sequential noDropout = Sequential.builder(ref, 6).dense(12).relu().dense(3).build(1);
        var layers = assertThrows(IllegalArgumentException.class, () -> Checkpoints.restore(c, noDropout, null));
        assertTrue(layers.getMessage().contains("layer 3 differs"), layers.getMessage());
        Sequential wide = Sequential.builder(ref, 7).dense(12).relu().dropout(0.25).dense(3).build(1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoints.restore(c, wide, null)).getMessage()
                .contains("the file is for inputs of shape [6] but the model takes [7]"));
    }

    @Test
    void labelsAreNoneOrOnePerOutput() {
        Sequential a = net(12, 1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.snapshot(a, null, List.of("x"), TrainingState.initial(1), RunSettings.NONE, List.of()));
        assertTrue(e.getMessage().contains("1 genres for a model with 3 outputs"), e.getMessage());
    }

    @Test
    void aCorruptedTensorListNamesTheField() throws Exception {
        Path file = dir.resolve("a.ckpt");
        CheckpointFile.write(Checkpoints.snapshot(net(12, 1), null, List.of(), TrainingState.initial(1), RunSettings.NONE, List.of()), file);
        byte[] bytes = Files.readAllBytes(file);
        // the first tensor's shape follows its name "dense_1/kernel": rank 2, then 6 and 12; make the 12 a 13
        String s = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = s.indexOf("dense_1/kernel") + "dense_1/kernel".length() + 4 + 4;
        ByteBuffer.wrap(bytes).putInt(at, 13);
        Files.write(file, bytes);
        var e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(file));
        assertTrue(e.getMessage().startsWith("checkpoint " + file + ": corrupted model description: the tensors hold"), e.getMessage());
    }
}
