package org.marquee.app.teach;

/** Named texts that a document shows and a test compares with the code ({@link GuideDocument} reads the marks). */
public interface Figures {
    /** Whether a figure of this name exists. */
    boolean has(String name);

    /** The figure's text as the document must show it. */
    String get(String name);
}
