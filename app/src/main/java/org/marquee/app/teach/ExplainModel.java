package org.marquee.app.teach;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.marquee.app.LoadedModel;
import org.marquee.app.PosterModel;
import org.marquee.engine.checkpoint.ModelSpec;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.app.train.InputNormalization;
import org.marquee.dataset.SyntheticPosters;
import org.marquee.engine.Backend;
import org.marquee.engine.nn.Sequential;

/** The poster model explain runs: untrained from a seed, or trained, from a checkpoint. */
record ExplainModel(Sequential model, List<String> genres, int imageSize, String description, InputNormalization normalization)
        implements AutoCloseable {

    static ExplainModel untrained(Backend backend, long seed, int imageSize) {
        Sequential model = PosterModel.build(backend, seed, imageSize, imageSize, PosterModel.GENRES);
        return new ExplainModel(model, SyntheticPosters.GENRES, imageSize, String.format(Locale.ROOT,
                "poster CNN, untrained (Glorot-uniform, seed %d), %,d parameters", seed, model.parameterCount()), null);
    }

    static ExplainModel checkpoint(Backend backend, Path file, boolean rawWeights) throws IOException {
        LoadedModel loaded = LoadedModel.open(file, backend, rawWeights);
        ModelSpec spec = loaded.checkpoint().model();
        if (spec.height() != spec.width()) {
            loaded.close();
            throw new IllegalArgumentException(file + ": explain takes square posters, the checkpoint's model is "
                    + spec.height() + "x" + spec.width());
        }
        TrainingState t = loaded.checkpoint().training();
        return new ExplainModel(loaded.model(), loaded.checkpoint().genres(), spec.height(), String.format(Locale.ROOT,
                "%s from %s (epoch %d, step %d)%s", spec.headline(), file, t.epoch(), t.step(),
                loaded.averaged() ? ", the moving average of its weights (--raw-weights for the trained ones)" : "")
                + (loaded.normalization() != null ? ", inputs normalized (" + loaded.normalization().describe() + ")" : ""),
                loaded.normalization());
    }

    @Override
    public void close() { model.close(); }
}
