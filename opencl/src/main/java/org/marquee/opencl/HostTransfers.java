package org.marquee.opencl;

/**
 * Copies between host memory and an OpenCL backend's device buffers so far: uploads (host to
 * device) and reads (device to host, including the partial sums a reduction brings back), each as a
 * count of copies and of bytes. Differences of two snapshots show what a piece of work moved.
 */
public record HostTransfers(long uploads, long uploadedBytes, long reads, long readBytes) {
    public HostTransfers {
        if (uploads < 0 || uploadedBytes < 0 || reads < 0 || readBytes < 0) {
            throw new IllegalArgumentException("transfer counts must be >= 0: " + uploads + ", " + uploadedBytes
                    + ", " + reads + ", " + readBytes);
        }
    }

    /** What happened between {@code earlier} and this snapshot. */
    public HostTransfers since(HostTransfers earlier) {
        return new HostTransfers(uploads - earlier.uploads, uploadedBytes - earlier.uploadedBytes,
                reads - earlier.reads, readBytes - earlier.readBytes);
    }
}
