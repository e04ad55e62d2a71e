package org.marquee.app;

import java.io.IOException;
import java.nio.file.Path;
import org.marquee.app.checkpoint.Checkpoint;
import org.marquee.app.checkpoint.CheckpointFile;
import org.marquee.app.checkpoint.ModelSpec;
import org.marquee.app.train.ModelState;
import org.marquee.engine.Backend;
import org.marquee.engine.nn.Sequential;

/** A poster model rebuilt from a checkpoint's spec and loaded with its weights. */
public record LoadedModel(Checkpoint checkpoint, Sequential model) implements AutoCloseable {
    public static LoadedModel open(Path file, Backend backend) throws IOException {
        Checkpoint c = CheckpointFile.read(file);
        ModelSpec spec = c.model();
        if (!ModelState.ARCHITECTURE.equals(spec.architecture())) {
            throw new IllegalArgumentException(file + " holds a '" + spec.architecture() + "' model, not " + ModelState.ARCHITECTURE);
        }
        Sequential model = PosterModel.build(backend, c.training().seed(), spec.height(), spec.width(), spec.classes());
        try {
            ModelState.restore(c, model, null);
        } catch (IllegalArgumentException e) {
            model.close();
            throw new org.marquee.app.checkpoint.CheckpointException(file, e.getMessage(), e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return new LoadedModel(c, model);
    }

    public int imageSize() { return checkpoint.model().height(); }

    @Override
    public void close() { model.close(); }
}
