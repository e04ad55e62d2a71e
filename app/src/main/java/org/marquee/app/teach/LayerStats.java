package org.marquee.app.teach;

/**
 * What one layer produced for one poster: its output shape, parameter count, value statistics and
 * the time its forward pass took.
 *
 * @param zeroFraction share of output values exactly 0 (after a ReLU, the units that are off)
 * @param nanos        forward time of this layer alone; -1 where not measured
 */
public record LayerStats(String name, String type, int[] shape, long parameters,
                         double min, double mean, double max, double zeroFraction, long nanos) {
    public LayerStats {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("layer name is required");
        if (shape == null || shape.length == 0) throw new IllegalArgumentException(name + ": shape is required");
        if (parameters < 0) throw new IllegalArgumentException(name + ": parameter count must be >= 0: " + parameters);
        if (!(zeroFraction >= 0 && zeroFraction <= 1)) throw new IllegalArgumentException(name + ": zero fraction outside [0, 1]: " + zeroFraction);
        shape = shape.clone();
    }

    @Override
    public int[] shape() { return shape.clone(); }

    /** min, mean, max and the share of zeros of {@code values}. */
    static LayerStats of(String name, String type, int[] shape, long parameters, double[] values, long nanos) {
        if (values.length == 0) throw new IllegalArgumentException(name + ": no values");
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        long zeros = 0;
        for (double v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            if (v == 0) zeros++;
        }
        return new LayerStats(name, type, shape, parameters, min, sum / values.length, max,
                (double) zeros / values.length, nanos);
    }
}
