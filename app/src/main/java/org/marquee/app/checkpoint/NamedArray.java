package org.marquee.app.checkpoint;

/**
 * A named array a checkpoint carries besides the weights and Adam's state (the ids of the training
 * posters, statistics of the inputs, an average of the weights), with the precision it is stored in.
 */
public record NamedArray(String name, Checkpoint.Precision precision, double[] values) {
    public NamedArray {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a checkpoint array needs a name");
        if (precision == null || values == null) throw new IllegalArgumentException("array " + name + " needs a precision and values");
    }
}
