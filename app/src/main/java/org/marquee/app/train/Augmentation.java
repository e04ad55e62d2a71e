package org.marquee.app.train;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which random changes {@link Augmenter} makes to each training poster, and how strong they are.
 * Each transform is off at its neutral value:
 * <ul>
 *   <li><b>random resized crop</b>: a window of area fraction a ~ U[{@code cropScaleMin}, 1] and
 *       aspect ratio r = exp(U[-ln {@code aspectJitter}, ln {@code aspectJitter}]) (log-uniform in
 *       [1/aspectJitter, aspectJitter]) is cut out and resized back to the full image, bilinearly;
 *       off when {@code cropScaleMin} = 1 and {@code aspectJitter} = 1;</li>
 *   <li><b>shift</b>: the image moves by dx, dy uniform in {-shiftPixels .. shiftPixels}, the
 *       uncovered border repeating the edge pixels; off at 0;</li>
 *   <li><b>colour</b>: v' = clamp((v - mean) · c + mean + b) with c ~ U[1 - contrast, 1 + contrast]
 *       around the poster's mean and b ~ U[-brightness, brightness], one c and b for all three
 *       channels; off at 0. There is deliberately no hue shift, channel jitter or grayscale: the
 *       palette itself is genre evidence on posters (dark blue-black horror, saturated warm
 *       animation), so a colour change must keep every pixel's hue;</li>
 *   <li><b>flip</b>: a left-right mirror with probability 1/2, exactly as {@code --flip}.</li>
 * </ul>
 *
 * @param cropScaleMin smallest area fraction of the crop, in (0, 1]
 * @param aspectJitter largest aspect ratio of the crop (and 1 / it the smallest), in [1, 2]
 * @param shiftPixels  largest shift in pixels along each axis, 0 to 32
 * @param brightness   largest brightness offset, 0 to 0.5 (pixels are in [0, 1])
 * @param contrast     largest relative contrast change, 0 to 0.5
 * @param flip         mirror left-right with probability 1/2
 */
public record Augmentation(double cropScaleMin, double aspectJitter, int shiftPixels, double brightness, double contrast,
                           boolean flip) implements java.io.Serializable {
    /** The crop of {@code --augment}: 60 % to all of the area, aspect ratio 3/4 to 4/3. */
    public static final double CROP_SCALE_MIN = 0.6, ASPECT_JITTER = 4.0 / 3;
    /** The shift of {@code --augment}: up to 4 pixels each way. */
    public static final int SHIFT_PIXELS = 4;
    /** The colour jitter of {@code --augment}: brightness +-0.1, contrast x 0.8 .. 1.2. */
    public static final double BRIGHTNESS = 0.1, CONTRAST = 0.2;

    public Augmentation {
        if (!(cropScaleMin > 0 && cropScaleMin <= 1)) throw new IllegalArgumentException("crop scale minimum must be in (0, 1]: " + cropScaleMin);
        if (!(aspectJitter >= 1 && aspectJitter <= 2)) throw new IllegalArgumentException("aspect jitter must be in [1, 2]: " + aspectJitter);
        if (shiftPixels < 0 || shiftPixels > 32) throw new IllegalArgumentException("shift must be 0 to 32 pixels: " + shiftPixels);
        if (!(brightness >= 0 && brightness <= 0.5)) throw new IllegalArgumentException("brightness must be in [0, 0.5]: " + brightness);
        if (!(contrast >= 0 && contrast <= 0.5)) throw new IllegalArgumentException("contrast must be in [0, 0.5]: " + contrast);
    }

    /** Every poster as it is. */
    public static Augmentation none() { return new Augmentation(1, 1, 0, 0, 0, false); }

    /** Crop, shift, colour and flip at their strengths: {@code --augment all}. */
    public static Augmentation all() {
        return new Augmentation(CROP_SCALE_MIN, ASPECT_JITTER, SHIFT_PIXELS, BRIGHTNESS, CONTRAST, true);
    }

    /**
     * What helped on the real posters, {@code --augment real}: random resized crops and flips.
     * Measured one at a time on top of crops, flips and normalized inputs (docs/results.md),
     * shifts and the colour jitter changed nothing beyond run-to-run noise, so the
     * preset leaves them out.
     */
    public static Augmentation realPreset() {
        return new Augmentation(CROP_SCALE_MIN, ASPECT_JITTER, 0, 0, 0, true);
    }

    /**
     * Parses {@code --augment}: {@code none}, {@code real} (crop and flip: {@link #realPreset()}),
     * {@code all} (all four) or a comma-separated list of {@code crop}, {@code shift}, {@code color}
     * and {@code flip}, each at its strength.
     */
    public static Augmentation parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("none")) return none();
        if (t.equals("real")) return realPreset();
        if (t.equals("all")) return all();
        Set<String> parts = new LinkedHashSet<>();
        for (String p : t.split(",", -1)) {
            String part = p.strip();
            if (!Set.of("crop", "shift", "color", "flip").contains(part)) {
                throw new IllegalArgumentException("--augment must be none, real, all or a comma-separated list of crop, shift, color and flip,"
                        + " not '" + text + "'" + (part.isEmpty() ? "" : " ('" + part + "' is unknown)"));
            }
            parts.add(part);
        }
        boolean crop = parts.contains("crop"), color = parts.contains("color");
        return new Augmentation(crop ? CROP_SCALE_MIN : 1, crop ? ASPECT_JITTER : 1, parts.contains("shift") ? SHIFT_PIXELS : 0,
                color ? BRIGHTNESS : 0, color ? CONTRAST : 0, parts.contains("flip"));
    }

    public boolean crops() { return cropScaleMin < 1 || aspectJitter > 1; }
    public boolean shifts() { return shiftPixels > 0; }
    public boolean jittersColour() { return brightness > 0 || contrast > 0; }
    /** Whether every transform is off. */
    public boolean isNone() { return !crops() && !shifts() && !jittersColour() && !flip; }

    public Augmentation withFlip(boolean f) {
        return new Augmentation(cropScaleMin, aspectJitter, shiftPixels, brightness, contrast, f);
    }

    /** A short description, e.g. "crop, shift, color, flip" or "none". */
    public String describe() {
        var parts = new java.util.ArrayList<String>();
        if (crops()) parts.add("crop");
        if (shifts()) parts.add("shift");
        if (jittersColour()) parts.add("color");
        if (flip) parts.add("flip");
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }
}
