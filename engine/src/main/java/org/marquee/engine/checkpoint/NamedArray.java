package org.marquee.engine.checkpoint;

/**
 * A named array a checkpoint carries besides the weights (an optimizer's state, the ids of the
 * training examples, statistics of the inputs, an average of the weights), with the precision it
 * is stored in.
 *
 * @param name the array's name, unique within its section
 * @param precision how its values are stored
 * @param values the values
 */
public record NamedArray(String name, Checkpoint.Precision precision, double[] values) {
    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException when the name is blank or the precision or values are missing
     *
     * @param name the record component of that name
     * @param precision the record component of that name
     * @param values the record component of that name
     */
    public NamedArray {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a checkpoint array needs a name");
        if (precision == null || values == null) throw new IllegalArgumentException("array " + name + " needs a precision and values");
    }
}
