package org.marquee.opencl;

import java.util.List;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider;

/**
 * Makes the OpenCL backend discoverable as "opencl". {@link #probe()} never throws: it says why
 * OpenCL is unusable (no runtime library, no platform, no device). {@link #create} throws an
 * {@link OpenClException} with that reason when asked for OpenCL where there is none. The backend's
 * {@link OpenClBackend.Options} come from the settings it is given
 * ({@link org.marquee.engine.BackendProvider.BackendOptions#settings()}), none meaning the defaults.
 */
public final class OpenClProvider implements BackendProvider {
    @Override public String name() { return "opencl"; }

    /** On a CPU device (PoCL), slower than the cpu backend; on a GPU, the only one there. */
    @Override public int priority() { return 50; }

    @Override
    public Availability probe() {
        try {
            List<OpenClDevices.Device> devices = OpenClDevices.list();
            if (devices.isEmpty()) return Availability.no("OpenCL runtime present but no OpenCL platform with a device was found");
            OpenClDevices.Device preferred = OpenClDevices.preferred(devices);
            return Availability.yes(devices.size() + " OpenCL device(s); default " + preferred.describe(), preferred.kind());
        } catch (OpenClException e) {
            return Availability.no(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            return Availability.no("OpenCL cannot be used: " + e);
        }
    }

    @Override
    public Backend create(BackendOptions options) {
        List<OpenClDevices.Device> devices;
        try {
            devices = OpenClDevices.list();
        } catch (LinkageError e) {
            throw new OpenClException("OpenCL was requested but its runtime cannot be loaded: " + e, e);
        }
        if (devices.isEmpty()) throw new OpenClException("OpenCL was requested but no OpenCL device was found on any platform");
        OpenClBackend.Options settings = options == null ? OpenClBackend.Options.defaults()
                : OpenClBackend.Options.fromProperties(options.settingsAsProperties());
        return new OpenClBackend(OpenClDevices.select(devices, options == null ? null : options.device()), settings);
    }

    /**
     * The settings the command line adds where its user set none: the GPU family tunes, with its
     * cache in {@code $XDG_CACHE_HOME/marquee}, else {@code ~/.cache/marquee}.
     *
     * @param userHome     the user's home folder (the command line passes {@code user.home})
     * @param xdgCacheHome the environment's {@code XDG_CACHE_HOME}, or null
     * @return the tuning and cache-folder settings
     */
    public static java.util.Map<String, String> commandLineDefaults(String userHome, String xdgCacheHome) {
        return java.util.Map.of(OpenClBackend.Options.TUNE_PROPERTY, "on",
                OpenClBackend.Options.TUNE_CACHE_PROPERTY, GemmTuneCache.defaultDirectory(userHome, xdgCacheHome).toString());
    }
}
