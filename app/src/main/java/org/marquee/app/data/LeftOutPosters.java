package org.marquee.app.data;

import java.util.List;
import org.marquee.dataset.PosterCache;

/** A poster set read from a catalogue elsewhere (on a cluster) that knows the posters it left out, and why. */
public interface LeftOutPosters {
    List<PosterCache.Failure> leftOut();
}
