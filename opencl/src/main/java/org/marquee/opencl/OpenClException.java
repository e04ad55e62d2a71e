package org.marquee.opencl;

import org.jocl.CL;

/** An OpenCL call failed, or OpenCL cannot be used here; the message names the call and the error code. */
public final class OpenClException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OpenClException(String message) { super(message); }

    public OpenClException(String message, Throwable cause) { super(message, cause); }

    /** Throws when {@code code} is not CL_SUCCESS, naming the code (e.g. CL_OUT_OF_RESOURCES). */
    static void check(int code, String what) {
        if (code != CL.CL_SUCCESS) throw new OpenClException(what + " failed: " + CL.stringFor_errorCode(code) + " (" + code + ")");
    }
}
