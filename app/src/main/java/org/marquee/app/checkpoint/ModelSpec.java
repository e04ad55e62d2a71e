package org.marquee.app.checkpoint;

/**
 * What a checkpoint's weights belong to: the architecture name, its input and output sizes, the
 * parameter count and a one-line-per-layer description (name, type, output shape, parameters).
 * A checkpoint is only loaded into a model whose spec is equal.
 */
public record ModelSpec(String architecture, int channels, int height, int width, int classes,
                        long parameterCount, String layers) {
    public ModelSpec {
        if (architecture == null || architecture.isBlank()) throw new IllegalArgumentException("architecture is required");
        if (channels <= 0 || height <= 0 || width <= 0 || classes <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + channels + "x" + height + "x" + width + " -> " + classes);
        }
        if (parameterCount <= 0) throw new IllegalArgumentException("parameter count must be positive: " + parameterCount);
        if (layers == null) throw new IllegalArgumentException("layers description is required");
    }

    /** e.g. "poster-cnn 3x224x224 -> 27 (11,172,443 parameters)". */
    public String headline() {
        return String.format(java.util.Locale.ROOT, "%s %dx%dx%d -> %d (%,d parameters)",
                architecture, channels, height, width, classes, parameterCount);
    }
}
