package org.marquee.dataset;

/**
 * Draws one synthetic poster, (3, S, S) floats in [0, 1], from its genres' cue numbers c (0..26,
 * the genre's rank by real frequency, so the commonest genres get the most distinct cues). Each
 * cue number has its own visual signs, all strong enough for a small CNN:
 * <ul>
 * <li>a hue, c times the golden ratio (mod 1), so close ranks get far-apart hues: the colour of
 *     its shapes and, for the first two genres, of the background gradient;</li>
 * <li>a band, c % 3: its shape sits in the top, middle or bottom of the poster, so the three
 *     commonest genres (Drama, Comedy, Thriller) never compete for a place;</li>
 * <li>a shape family, c / 3: disc, square, triangle, diamond, ring, cross, star, wide bar, tall
 *     bar; (band, shape) is unique to the genre;</li>
 * <li>a texture inside the shape, (c + c / 3) % 4: solid, horizontal stripes, vertical stripes, checks.</li>
 * </ul>
 * Posters with several genres show all their genres' shapes, side by side when they share a band.
 * Everything else is noise shared by all genres: a title block with letter marks at the top or
 * bottom edge, a brightness change and per-pixel noise.
 */
final class PosterPainter {
    private static final int BANDS = 3;
    private final int size;

    PosterPainter(int size) {
        this.size = size;
    }

    void paint(int[] genres, SplitMix rng, float[] out, int offset) {
        int plane = size * size;
        float[] top = hsv(hue(genres[0]), 0.45f, 0.55f + 0.2f * rng.nextFloat());
        float[] bottom = hsv(hue(genres.length > 1 ? genres[1] : genres[0]), 0.6f, 0.15f + 0.1f * rng.nextFloat());
        for (int y = 0; y < size; y++) {
            float t = y / (float) (size - 1);
            for (int c = 0; c < 3; c++) {
                float v = top[c] * (1 - t) + bottom[c] * t;
                java.util.Arrays.fill(out, offset + c * plane + y * size, offset + c * plane + (y + 1) * size, v);
            }
        }
        for (int i = 0; i < genres.length; i++) {
            int g = genres[i];
            int band = g % BANDS;
            int sharing = 0;
            int slot = 0;
            for (int j = 0; j < genres.length; j++) {
                if (genres[j] % BANDS == band) {
                    slot += j < i ? 1 : 0;
                    sharing++;
                }
            }
            float radius = size * (sharing > 1 ? 0.10f : 0.13f) * (0.9f + 0.2f * rng.nextFloat());
            float widthFactor = g / BANDS == 7 ? 1.6f : 1f;
            float left = size * slot / (float) sharing + radius * widthFactor;
            float right = size * (slot + 1) / (float) sharing - radius * widthFactor;
            float cx = left + (right - left) * rng.nextFloat();
            float cy = size * (0.25f + 0.25f * band) + (rng.nextFloat() - 0.5f) * size * 0.05f;
            shape(g, cx, cy, radius, hsv(hue(g), 0.85f, 0.95f), out, offset);
        }
        titleBlock(rng, out, offset);
        float gain = 0.85f + 0.25f * rng.nextFloat();
        // uniform noise in [-0.06, 0.06): four 16-bit draws from each 64-bit number
        long bits = 0;
        for (int i = 0; i < 3 * plane; i++) {
            if ((i & 3) == 0) {
                bits = rng.nextLong();
            }
            float noise = ((bits >>> ((i & 3) << 4)) & 0xFFFF) * (0.12f / 65536f) - 0.06f;
            float v = out[offset + i] * gain + noise;
            out[offset + i] = v < 0 ? 0 : (v > 1 ? 1 : v);
        }
    }

    static float hue(int genre) {
        float h = genre * 0.61803398875f;
        return h - (float) Math.floor(h);
    }

    /** Fills genre g's shape centred at (cx, cy) with its colour and texture. */
    private void shape(int g, float cx, float cy, float r, float[] rgb, float[] out, int offset) {
        int family = g / BANDS;
        int texture = (g + g / BANDS) % 4;
        int period = Math.max(2, size / 32);
        int plane = size * size;
        float wide = family == 7 ? 1.6f : 1f;
        int x0 = Math.max(0, (int) (cx - r * wide));
        int x1 = Math.min(size - 1, (int) Math.ceil(cx + r * wide));
        int y0 = Math.max(0, (int) (cy - r));
        int y1 = Math.min(size - 1, (int) Math.ceil(cy + r));
        for (int y = y0; y <= y1; y++) {
            float v = (y - cy) / r;
            for (int x = x0; x <= x1; x++) {
                float u = (x - cx) / r;
                if (!inside(family, u, v)) {
                    continue;
                }
                boolean dark = switch (texture) {
                    case 1 -> (y / period) % 2 == 0;
                    case 2 -> (x / period) % 2 == 0;
                    case 3 -> ((x / period) + (y / period)) % 2 == 0;
                    default -> false;
                };
                float shade = dark ? 0.45f : 1f;
                for (int c = 0; c < 3; c++) {
                    out[offset + c * plane + y * size + x] = rgb[c] * shade;
                }
            }
        }
    }

    /** Shape families in local coordinates, (u, v) in about [-1, 1] (the wide bar reaches 1.6). */
    static boolean inside(int family, float u, float v) {
        float au = Math.abs(u);
        float av = Math.abs(v);
        return switch (family) {
            case 0 -> u * u + v * v <= 1f; // disc
            case 1 -> au <= 0.85f && av <= 0.85f; // square
            case 2 -> v <= 0.8f && au <= (v + 1f) / 1.8f; // triangle, apex up
            case 3 -> au + av <= 1f; // diamond
            case 4 -> {
                float d = u * u + v * v;
                yield d <= 1f && d >= 0.3f; // ring
            }
            case 5 -> (au <= 0.3f && av <= 1f) || (av <= 0.3f && au <= 1f); // cross
            case 6 -> {
                double rho = Math.sqrt(u * u + v * v);
                double theta = Math.atan2(v, u);
                yield rho <= 0.45 + 0.55 * Math.abs(Math.cos(2.5 * theta)); // five-pointed star
            }
            case 7 -> au <= 1.6f && av <= 0.35f; // wide bar
            case 8 -> au <= 0.35f && av <= 1f; // tall bar
            default -> throw new IllegalArgumentException("shape family " + family);
        };
    }

    /** A dark strip with light letter marks at the top or bottom edge, as a poster title. */
    private void titleBlock(SplitMix rng, float[] out, int offset) {
        int plane = size * size;
        int h = Math.max(3, size / 18);
        int y0 = rng.nextInt(2) == 0 ? size / 60 : size - h - size / 60;
        int letters = 4 + rng.nextInt(9);
        int letterWidth = Math.max(1, size / 40);
        int start = size / 10 + rng.nextInt(Math.max(1, size / 10));
        for (int y = y0; y < y0 + h; y++) {
            for (int x = size / 20; x < size - size / 20; x++) {
                int k = (x - start) / (2 * letterWidth);
                boolean letter = x >= start && k < letters && (x - start) % (2 * letterWidth) < letterWidth
                        && y > y0 + h / 5 && y < y0 + h - h / 5;
                for (int c = 0; c < 3; c++) {
                    int i = offset + c * plane + y * size + x;
                    out[i] = letter ? 0.92f : out[i] * 0.25f;
                }
            }
        }
    }

    /** HSV (all in [0, 1]) to RGB. */
    static float[] hsv(float h, float s, float v) {
        float sector = h * 6f;
        int i = (int) Math.floor(sector) % 6;
        float f = sector - (float) Math.floor(sector);
        float p = v * (1 - s);
        float q = v * (1 - s * f);
        float t = v * (1 - s * (1 - f));
        return switch (i) {
            case 0 -> new float[] {v, t, p};
            case 1 -> new float[] {q, v, p};
            case 2 -> new float[] {p, v, t};
            case 3 -> new float[] {p, q, v};
            case 4 -> new float[] {t, p, v};
            default -> new float[] {v, p, q};
        };
    }
}
