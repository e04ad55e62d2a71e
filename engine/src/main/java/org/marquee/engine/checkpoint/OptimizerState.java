package org.marquee.engine.checkpoint;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * An optimizer's state as a checkpoint keeps it: the optimizer's name ("adam"), the steps it has
 * taken, and its arrays by name (Adam's "m" and "v"), each laid out like the weights.
 *
 * @param name the optimizer's name
 * @param steps the steps it has taken (Adam's t)
 * @param arrays its state arrays, by unique name
 */
public record OptimizerState(String name, long steps, List<NamedArray> arrays) {
    /** The name Adam's state is kept under. */
    public static final String ADAM = "adam";

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException when the name is blank, the steps negative or two arrays share a name
     *
     * @param name the record component of that name
     * @param steps the record component of that name
     * @param arrays the record component of that name
     */
    public OptimizerState {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("an optimizer state needs the optimizer's name");
        if (steps < 0) throw new IllegalArgumentException(name + "'s step must be >= 0: " + steps);
        arrays = List.copyOf(arrays);
        var names = new HashSet<String>();
        for (NamedArray a : arrays) {
            if (!names.add(a.name())) throw new IllegalArgumentException(name + " has two arrays named " + a.name());
        }
    }

    /**
     * Adam's state: step t and the moments m and v.
     *
     * @param precision how the moments are stored
     * @param t the step count
     * @param m the first moments
     * @param v the second moments
     * @return the state
     */
    public static OptimizerState adam(Checkpoint.Precision precision, long t, double[] m, double[] v) {
        return new OptimizerState(ADAM, t, List.of(new NamedArray("m", precision, m), new NamedArray("v", precision, v)));
    }

    /**
     * The array of that name, if there is one.
     *
     * @param arrayName the array's name ("m")
     * @return the array
     */
    public Optional<NamedArray> array(String arrayName) {
        return arrays.stream().filter(a -> a.name().equals(arrayName)).findFirst();
    }

    /**
     * How messages name one of its arrays: "Adam m", "sgd velocity".
     *
     * @param arrayName the array's name
     * @return the label
     */
    public String label(String arrayName) {
        return (name.equals(ADAM) ? "Adam" : name) + " " + arrayName;
    }
}
