package org.marquee.engine.checkpoint;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a checkpoint's weights belong to: an architecture name, the input shape of one example,
 * the number of outputs, the parameter count, a one-line-per-layer description (name, type, output
 * shape, parameters) and the parameter tensors by name and shape, in the order of the weights.
 * Files of formats 1 and 2 list no tensors ({@code tensors} is empty) and have rank-3 inputs.
 *
 * @param architecture a name for the kind of model ("poster-cnn", "sequential")
 * @param inputShape the shape of one input example, e.g. {3, 224, 224}
 * @param outputs the number of outputs per example
 * @param parameterCount the number of parameters
 * @param layers one line per layer: name, type, output shape, parameter count
 * @param tensors the parameter tensors in weight order, or none where the file did not record them
 */
public record ModelSpec(String architecture, int[] inputShape, int outputs, long parameterCount, String layers,
                        List<TensorSpec> tensors) {
    /**
     * Checks the fields; a copy of the shape and of the tensor list is kept.
     *
     * @throws IllegalArgumentException when a field is missing, a size is not positive or the
     *         tensors do not add up to the parameter count
     *
     * @param architecture the record component of that name
     * @param inputShape the record component of that name
     * @param outputs the record component of that name
     * @param parameterCount the record component of that name
     * @param layers the record component of that name
     * @param tensors the record component of that name
     */
    public ModelSpec {
        if (architecture == null || architecture.isBlank()) throw new IllegalArgumentException("architecture is required");
        if (inputShape == null || inputShape.length == 0) throw new IllegalArgumentException("an input shape is required");
        inputShape = inputShape.clone();
        for (int d : inputShape) {
            if (d <= 0 || outputs <= 0) {
                throw new IllegalArgumentException("sizes must be positive: " + Arrays.toString(inputShape) + " -> " + outputs);
            }
        }
        if (outputs <= 0) throw new IllegalArgumentException("sizes must be positive: " + Arrays.toString(inputShape) + " -> " + outputs);
        if (parameterCount <= 0) throw new IllegalArgumentException("parameter count must be positive: " + parameterCount);
        if (layers == null) throw new IllegalArgumentException("layers description is required");
        tensors = tensors == null ? List.of() : List.copyOf(tensors);
        if (!tensors.isEmpty()) {
            long sum = 0;
            for (TensorSpec t : tensors) sum += t.size();
            if (sum != parameterCount) {
                throw new IllegalArgumentException("the tensors hold " + sum + " values but the parameter count is " + parameterCount);
            }
        }
    }

    /**
     * The spec of an image model as formats 1 and 2 recorded it: no tensor list.
     *
     * @param architecture a name for the kind of model
     * @param channels input channels
     * @param height input height
     * @param width input width
     * @param classes outputs
     * @param parameterCount the number of parameters
     * @param layers one line per layer
     */
    public ModelSpec(String architecture, int channels, int height, int width, int classes, long parameterCount, String layers) {
        this(architecture, new int[] {channels, height, width}, classes, parameterCount, layers, List.of());
    }

    /**
     * The input shape of one example (a copy).
     *
     * @return the shape
     */
    @Override
    public int[] inputShape() { return inputShape.clone(); }

    /**
     * The input channels of an image model (rank-3 input).
     *
     * @return the first input dimension
     * @throws IllegalStateException when the input is not rank 3
     */
    public int channels() { return imageDimension(0); }

    /**
     * The input height of an image model.
     *
     * @return the second input dimension
     * @throws IllegalStateException when the input is not rank 3
     */
    public int height() { return imageDimension(1); }

    /**
     * The input width of an image model.
     *
     * @return the third input dimension
     * @throws IllegalStateException when the input is not rank 3
     */
    public int width() { return imageDimension(2); }

    /**
     * The number of outputs (classes of a classifier).
     *
     * @return {@link #outputs()}
     */
    public int classes() { return outputs; }

    private int imageDimension(int i) {
        if (inputShape.length != 3) {
            throw new IllegalStateException("the model's input " + Arrays.toString(inputShape) + " is not channels x height x width");
        }
        return inputShape[i];
    }

    /**
     * This spec under another architecture name.
     *
     * @param name the architecture name
     * @return the renamed spec
     */
    public ModelSpec withArchitecture(String name) {
        return new ModelSpec(name, inputShape, outputs, parameterCount, layers, tensors);
    }

    /**
     * A one-line summary, e.g. "poster-cnn 3x224x224 -&gt; 27 (11,172,443 parameters)".
     *
     * @return the summary
     */
    public String headline() {
        String in = Arrays.stream(inputShape).mapToObj(Integer::toString).collect(Collectors.joining("x"));
        return String.format(Locale.ROOT, "%s %s -> %d (%,d parameters)", architecture, in, outputs, parameterCount);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec s && architecture.equals(s.architecture) && Arrays.equals(inputShape, s.inputShape)
                && outputs == s.outputs && parameterCount == s.parameterCount && layers.equals(s.layers) && tensors.equals(s.tensors);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * architecture.hashCode() + Arrays.hashCode(inputShape)) + Long.hashCode(parameterCount) + outputs;
    }

    @Override
    public String toString() {
        return headline();
    }

    /**
     * A parameter tensor: its name ("conv2d_1/kernel") and shape.
     *
     * @param name the tensor's name
     * @param shape its shape
     */
    public record TensorSpec(String name, int[] shape) {
        /**
         * Checks the fields and keeps a copy of the shape.
         *
         * @throws IllegalArgumentException when the name is blank or a dimension is not positive
         *
         * @param name the record component of that name
         * @param shape the record component of that name
         */
        public TensorSpec {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("a tensor needs a name");
            shape = shape.clone();
            for (int d : shape) if (d <= 0) throw new IllegalArgumentException(name + " has shape " + Arrays.toString(shape));
        }

        /**
         * The shape (a copy).
         *
         * @return the shape
         */
        @Override
        public int[] shape() { return shape.clone(); }

        /**
         * The number of values.
         *
         * @return the product of the dimensions
         */
        public long size() {
            long n = 1;
            for (int d : shape) n = Math.multiplyExact(n, d);
            return n;
        }

        /**
         * "dense_1/kernel [36, 8]".
         *
         * @return the name and shape
         */
        public String describe() { return name + " " + Arrays.toString(shape); }

        @Override
        public boolean equals(Object o) { return o instanceof TensorSpec t && name.equals(t.name) && Arrays.equals(shape, t.shape); }

        @Override
        public int hashCode() { return 31 * name.hashCode() + Arrays.hashCode(shape); }

        @Override
        public String toString() { return describe(); }
    }
}
