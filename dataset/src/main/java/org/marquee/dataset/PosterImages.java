package org.marquee.dataset;

import org.marquee.engine.io.FileKind;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import org.imgscalr.Scalr;

/**
 * Poster decoding as the seed did it: JPEG or PNG, stretched to size x size (aspect ratio not
 * kept) with imgscalr, RGB scaled to [0, 1], laid out channel-first: (3, size, size). The 8-bit
 * form (same layout, bytes 0..255) is what the cache stores; {@link #UNIT} maps a byte to the
 * exact float this class would have produced, so cached and direct pixels are identical.
 */
public final class PosterImages {
    /** UNIT[v] = v / 255f for v in 0..255. */
    static final float[] UNIT = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            UNIT[v] = v / 255f;
        }
    }

    /**
     * Largest image accepted by default, in pixels (width x height as declared in the file): far
     * above any real poster, far below what a decompression bomb declares.
     */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    /** Largest poster file read, in bytes: real posters are well under 1 MB. */
    public static final long MAX_FILE_BYTES = 64L << 20;

    /**
     * Heap bytes per declared pixel the pipeline needs beside the decoder's own image: the opaque
     * RGB copy (4) and the resizer's progressively halved steps (4/3 x 4), rounded up.
     */
    static final int PIPELINE_BYTES_PER_PIXEL = 10;

    /** Heap bytes reserved by decodes in progress, so that parallel decodes do not each count the same free heap. */
    private static final java.util.concurrent.atomic.AtomicLong RESERVED = new java.util.concurrent.atomic.AtomicLong();

    private final int size;
    private final long maxPixels;
    private final java.util.function.LongSupplier heapFree;

    public PosterImages(int size) {
        this(size, DEFAULT_MAX_PIXELS);
    }

    /** Images declaring more than maxPixels pixels are refused before any pixel is decoded. */
    public PosterImages(int size, long maxPixels) {
        this(size, maxPixels, PosterImages::heapFree);
    }

    /**
     * As above, with {@code heapFree} telling the heap bytes free for one decode: an image whose
     * decoding and resizing need more is refused before any pixel is decoded.
     */
    PosterImages(int size, long maxPixels, java.util.function.LongSupplier heapFree) {
        this.heapFree = heapFree;
        if (size < 1 || size > 4096) {
            throw new IllegalArgumentException("image size must be in 1..4096: " + size);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be positive: " + maxPixels);
        }
        this.size = size;
        this.maxPixels = maxPixels;
    }

    public int size() {
        return size;
    }

    /** Largest declared width x height this instance decodes. */
    public long maxPixels() {
        return maxPixels;
    }

    /** Values per image: 3 * size * size. */
    public int pixelsPerImage() {
        return 3 * size * size;
    }

    /** The poster as floats in [0, 1], (3, size, size). */
    public float[] load(Path file) throws PosterException {
        byte[] bytes = loadBytes(file);
        float[] out = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = UNIT[bytes[i] & 0xFF];
        }
        return out;
    }

    /**
     * The poster as bytes 0..255, (3, size, size). Running out of memory on it is this poster's
     * {@link PosterException}, never an {@link OutOfMemoryError} that ends the caller's work.
     */
    public byte[] loadBytes(Path file) throws PosterException {
        return bytesOf(file.toString(), readFile(file));
    }

    /** {@link #loadBytes} of a poster's file bytes already read, {@code location} naming it. */
    public byte[] bytesOf(String location, byte[] fileBytes) throws PosterException {
        long[] reserved = {0};
        try {
            byte[] out = new byte[pixelsPerImage()];
            toChwBytes(resize(decode(location, fileBytes, maxPixels, PIPELINE_BYTES_PER_PIXEL, heapFree, reserved)), out, 0);
            return out;
        } catch (OutOfMemoryError e) {
            throw outOfMemory(location, e);
        } finally {
            RESERVED.addAndGet(-reserved[0]);
        }
    }

    private static PosterException outOfMemory(String location, OutOfMemoryError e) {
        return new PosterException(location, PosterException.Reason.TOO_LARGE, String.format(
                "ran out of memory decoding it: %s; the heap's limit is %,d MB (-Xmx)", e.getMessage(),
                Runtime.getRuntime().maxMemory() >> 20), e);
    }

    /** Heap bytes free now: the limit (-Xmx) less what is in use. */
    static long heapFree() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    /** Stretches to size x size RGB. */
    public BufferedImage resize(BufferedImage image) {
        BufferedImage rgb = toRgb(image);
        if (rgb.getWidth() == size && rgb.getHeight() == size) {
            return rgb;
        }
        BufferedImage scaled = Scalr.resize(rgb, Scalr.Method.BALANCED, Scalr.Mode.FIT_EXACT, size, size);
        return toRgb(scaled);
    }

    /** Writes a size x size image into out[offset ..] as (3, size, size) bytes. */
    public void toChwBytes(BufferedImage sized, byte[] out, int offset) {
        if (sized.getWidth() != size || sized.getHeight() != size) {
            throw new IllegalArgumentException("expected " + size + "x" + size + ", got "
                    + sized.getWidth() + "x" + sized.getHeight());
        }
        int plane = size * size;
        int[] argb = sized.getRGB(0, 0, size, size, null, 0, size); // (size*size) packed 0xAARRGGBB
        for (int p = 0; p < plane; p++) {
            int c = argb[p];
            out[offset + p] = (byte) (c >>> 16);
            out[offset + plane + p] = (byte) (c >>> 8);
            out[offset + 2 * plane + p] = (byte) c;
        }
    }

    /** A (3, S, S) image of values in [0, 1] as an RGB picture, for saving samples as PNG. */
    public static BufferedImage toImage(float[] chw, int offset, int size) {
        int plane = size * size;
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int p = offset + y * size + x;
                img.setRGB(x, y, (byte255(chw[p]) << 16) | (byte255(chw[p + plane]) << 8) | byte255(chw[p + 2 * plane]));
            }
        }
        return img;
    }

    private static int byte255(float v) {
        return Math.round(Math.min(1f, Math.max(0f, v)) * 255f);
    }

    /** {@link #decode(Path, long)} with the {@link #DEFAULT_MAX_PIXELS} limit. */
    public static BufferedImage decode(Path file) throws PosterException {
        return decode(file, DEFAULT_MAX_PIXELS);
    }

    /**
     * Decodes a JPEG or PNG file. Missing, empty, non-image and truncated files are reported
     * with a {@link PosterException} naming the reason; a decoder warning (the JPEG decoder's
     * "premature end of data") counts as truncation. The width and height the file declares are
     * read before any pixel: more than maxPixels is {@link PosterException.Reason#TOO_LARGE}. Any
     * other decoder failure, an {@link Error} such as OutOfMemoryError included, becomes a
     * PosterException naming the file.
     */
    public static BufferedImage decode(Path file, long maxPixels) throws PosterException {
        return decode(file.toString(), readFile(file), maxPixels);
    }

    private static byte[] readFile(Path file) throws PosterException {
        byte[] bytes;
        try {
            bytes = FileKind.readBounded(file, "poster", MAX_FILE_BYTES);
        } catch (NoSuchFileException e) {
            throw new PosterException(file, PosterException.Reason.MISSING, null);
        } catch (FileKind.TooLargeException e) {
            throw new PosterException(file, PosterException.Reason.TOO_LARGE, e.getReason(), e);
        } catch (FileKind.NotARegularFileException e) {
            throw new PosterException(file, PosterException.Reason.UNREADABLE, e.getReason(), e);
        } catch (IOException e) {
            throw new PosterException(file, PosterException.Reason.UNREADABLE, e.getMessage(), e);
        }
        return bytes;
    }

    /**
     * {@link #decode(Path, long)} of a poster's bytes already read, {@code location} naming it in
     * errors: for posters that are not local files (Spark reads them from any file system it knows).
     */
    public static BufferedImage decode(String location, byte[] bytes, long maxPixels) throws PosterException {
        long[] reserved = {0};
        try {
            return decode(location, bytes, maxPixels, 0, PosterImages::heapFree, reserved);
        } finally {
            RESERVED.addAndGet(-reserved[0]);
        }
    }

    /**
     * The decode, refusing an image whose decoded pixels plus {@code pipelineBytesPerPixel} per
     * pixel need more heap than is free (less what other decodes in progress reserved); the bytes
     * it reserves are added to reserved[0], for the caller to release when its pipeline is done.
     */
    private static BufferedImage decode(String location, byte[] bytes, long maxPixels, int pipelineBytesPerPixel,
            java.util.function.LongSupplier heapFree, long[] reserved) throws PosterException {
        String file = location;
        if (bytes.length == 0) {
            throw new PosterException(file, PosterException.Reason.EMPTY, null, null);
        }
        if (!isJpeg(bytes) && !isPng(bytes)) {
            throw new PosterException(file, PosterException.Reason.NOT_AN_IMAGE, "starts with " + hex(bytes, 4), null);
        }
        if (isJpeg(bytes) ? !jpegComplete(bytes) : !pngComplete(bytes)) {
            throw new PosterException(file, PosterException.Reason.TRUNCATED,
                    (isJpeg(bytes) ? "no end-of-image marker after the last scan" : "no IEND chunk") + ", "
                            + bytes.length + " bytes");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new PosterException(file, PosterException.Reason.NOT_AN_IMAGE, "no decoder for this format", null);
            }
            ImageReader reader = readers.next();
            StringBuilder warnings = new StringBuilder();
            reader.addIIOReadWarningListener(warningsTo(warnings));
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > maxPixels) {
                    throw new PosterException(file, PosterException.Reason.TOO_LARGE, String.format(
                            "declares %,d x %,d = %,d pixels, limit %,d", width, height, width * height, maxPixels), null);
                }
                long need = width * height * (decodedBytesPerPixel(reader) + pipelineBytesPerPixel);
                reserve(file, width, height, need, heapFree, reserved);
                BufferedImage image = reader.read(0);
                if (warnings.length() > 0) {
                    throw new PosterException(file, PosterException.Reason.TRUNCATED, warnings.toString(), null);
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (PosterException e) {
            throw e;
        } catch (java.io.EOFException e) {
            throw new PosterException(file, PosterException.Reason.TRUNCATED, e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            PosterException.Reason reason = isTruncationMessage(e) ? PosterException.Reason.TRUNCATED
                    : PosterException.Reason.UNREADABLE;
            throw new PosterException(file, reason, String.valueOf(e.getMessage()), e);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(file, e);
        } catch (Error e) {
            // decoder bugs (the JDK's decoders throw Errors on some damaged files)
            throw new PosterException(file, PosterException.Reason.UNREADABLE, "decoder failed: " + e, e);
        }
    }

    /** Bytes per pixel of the image the reader will return: 8 for 16-bit RGBA, 4 for packed RGB, 3 for 8-bit RGB. */
    static int decodedBytesPerPixel(ImageReader reader) {
        try {
            Iterator<javax.imageio.ImageTypeSpecifier> types = reader.getImageTypes(0);
            if (types.hasNext()) {
                java.awt.image.SampleModel m = types.next().getSampleModel(1, 1);
                long bits = (long) m.getNumDataElements() * java.awt.image.DataBuffer.getDataTypeSize(m.getDataType());
                return (int) Math.max(1, (bits + 7) / 8);
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the common case
        }
        return 4;
    }

    private static final Object GC_LOCK = new Object();

    private static void reserve(String file, long width, long height, long need, java.util.function.LongSupplier heapFree,
            long[] reserved) throws PosterException {
        long free = heapFree.getAsLong() - RESERVED.get();
        if (need > free && need <= Runtime.getRuntime().maxMemory()) {
            synchronized (GC_LOCK) {   // garbage may be what fills the heap: count again after a collection
                System.gc();
                free = heapFree.getAsLong() - RESERVED.get();
            }
        }
        if (need > free) {
            throw new PosterException(file, PosterException.Reason.TOO_LARGE, String.format(
                    "%,d x %,d pixels need about %,d MB of memory to decode and resize, %,d MB of the heap is free (limit %,d MB, -Xmx)",
                    width, height, need >> 20, Math.max(0, free) >> 20, Runtime.getRuntime().maxMemory() >> 20), null);
        }
        RESERVED.addAndGet(need);
        reserved[0] += need;
    }

    private static IIOReadWarningListener warningsTo(StringBuilder sink) {
        return (source, warning) -> sink.append(sink.length() > 0 ? "; " : "").append(warning);
    }

    private static boolean isTruncationMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.EOFException) {
                return true;
            }
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (m.contains("premature") || m.contains("end of") || m.contains("eof")) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when an end-of-image marker (FF D9) follows the last start-of-scan (FF DA). Inside
     * entropy-coded data an FF byte is always stuffed (FF 00), so only a real EOI matches.
     */
    static boolean jpegComplete(byte[] b) {
        int lastScan = -1;
        for (int i = 0; i + 1 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xDA) {
                lastScan = i;
            }
        }
        for (int i = b.length - 2; i > lastScan && i >= 0; i--) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
                return lastScan >= 0;
            }
        }
        return false;
    }

    /** True when the IEND chunk type appears in the last 64 bytes. */
    static boolean pngComplete(byte[] b) {
        for (int i = b.length - 4; i >= Math.max(8, b.length - 64); i--) {
            if (b[i] == 'I' && b[i + 1] == 'E' && b[i + 2] == 'N' && b[i + 3] == 'D') {
                return true;
            }
        }
        return false;
    }

    static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
    }

    static boolean isPng(byte[] b) {
        return b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    }

    private static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) {
            s.append(String.format("%02x", b[i] & 0xFF));
        }
        return s.toString();
    }

    /** An opaque RGB copy (transparency is composited over white), or the image itself when it already is one. */
    private static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }
}
