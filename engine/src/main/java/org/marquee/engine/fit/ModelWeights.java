package org.marquee.engine.fit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.Checkpoints;
import org.marquee.engine.checkpoint.RunSettings;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.engine.nn.Sequential;

/**
 * Saves and loads a model's parameters alone, about 4 bytes per parameter (the poster model's
 * 11,172,443 parameters take 44.7 MB, where its full training checkpoint with Adam's two moments
 * takes three times that). Any {@link Sequential} can be saved; a file loads into a model built
 * with the same layers, which the file's description of every tensor lets {@link #load} check.
 *
 * <p>The file is a weights-only checkpoint of the one model-file format ({@link CheckpointFile}):
 * the model description (input shape, outputs, layers, every parameter tensor's name and shape),
 * no labels, no optimizer section, and the values as IEEE 754 float32 in the layout of
 * {@link Sequential#parameters()}, with a CRC32 of every byte. {@link #load} also reads a full
 * checkpoint's weights, and files of the earlier weights-only format ("MRQWGHT", version 1).
 *
 * <p>A file is written to a temporary file beside the target and renamed over it when complete, so
 * a reader never sees half a file and a failed write leaves an earlier file in place. Values are
 * stored as float32: a model on the float64 reference backend is rounded to float32 when saved.
 * All errors are {@link ModelFileException}s that name the file.
 */
public final class ModelWeights {
    /** The version of the earlier weights-only format ("MRQWGHT"), which {@link #load} still reads. */
    public static final int VERSION = 1;
    static final byte[] MAGIC = {'M', 'R', 'Q', 'W', 'G', 'H', 'T', 0x1A};

    private ModelWeights() {}

    /**
     * Writes {@code model}'s parameters to {@code file} atomically. A model holding a NaN or an
     * infinity is refused (naming the tensor), and so is a failed write (naming the file).
     *
     * @param model the model whose parameters are written
     * @param file the target file, replaced whole or not at all
     * @throws IOException when the write fails or a parameter is not finite
     */
    public static void save(Sequential model, Path file) throws IOException {
        double[] values = model.parameters().toDoubles();
        String bad = ModelFiles.firstNonFinite(values, ModelFiles.tensors(model), null);
        if (bad != null) throw new ModelFileException(file, "not written: the model's parameter " + bad);
        Checkpoint c = new Checkpoint(Checkpoints.spec(Checkpoints.SEQUENTIAL, model), List.of(), TrainingState.initial(0),
                Checkpoint.Precision.FLOAT32, values, null, RunSettings.NONE, List.of());
        ModelFiles.write(c, file);
    }

    /**
     * Loads the parameters in {@code file} into {@code model}. The file must describe the model's
     * input shape and every one of its parameter tensors, by name and shape, in order; the first
     * difference is named. A file holding a NaN or an infinity is refused, naming the tensor and
     * the index. Nothing is loaded unless the whole file, its checksum included, is sound.
     *
     * @param model the model to load into, with the layers the file describes
     * @param file the weights file (or a full checkpoint, whose weights are loaded)
     * @throws IOException when the file cannot be read or does not fit the model
     */
    public static void load(Sequential model, Path file) throws IOException {
        byte[] magic = ModelFiles.magic(file);
        double[] values;
        if (Arrays.equals(magic, MAGIC)) {
            values = readVersion1(model, file);
        } else if (ModelFiles.isCheckpoint(magic)) {
            Checkpoint c = ModelFiles.read(file);
            ModelFiles.requireFits(c, model, file);
            String bad = ModelFiles.firstNonFinite(c.weights(), ModelFiles.tensors(model), null);
            if (bad != null) throw new ModelFileException(file, "unusable: " + bad);
            values = c.weights();
        } else {
            throw new ModelFileException(file, "not a Marquee weights file (the file starts with neither \"MRQCKPT\" nor \"MRQWGHT\")");
        }
        model.backend().upload(model.parameters(), values);
    }

    /** The values of a file of the earlier weights-only format, checked against {@code model}. */
    private static double[] readVersion1(Sequential model, Path file) throws IOException {
        try (ModelFiles.Reader r = new ModelFiles.Reader(file)) {
            r.expectMagic(MAGIC, "a Marquee weights file");
            int version = r.readInt("the format version");
            if (version != VERSION) throw r.error("format version " + version + " is not supported (this build reads version " + VERSION + ")");
            ModelFiles.StoredModel stored = r.readModel();
            String mismatch = stored.mismatch(model);
            if (mismatch != null) throw r.error("does not fit the model: " + mismatch);
            long count = r.readLong("the parameter count");
            if (count != stored.parameterCount()) {
                throw r.error("corrupted: " + count + " values stored but the tensors hold " + stored.parameterCount());
            }
            double[] values = r.readValues(count, 4, "the parameter values");
            r.finish();
            String bad = ModelFiles.firstNonFinite(values, stored.tensors(), null);
            if (bad != null) throw r.error("unusable: " + bad);
            return values;
        }
    }
}
