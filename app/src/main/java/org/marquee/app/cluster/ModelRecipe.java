package org.marquee.app.cluster;

import java.io.Serializable;
import org.marquee.engine.Backend;
import org.marquee.engine.nn.Sequential;

/**
 * How a worker builds its replica of the model: shipped to every worker, so it must be
 * serializable (a lambda assigned to this type is). The replica's weights are replaced by the
 * trained ones before every use; only its layers and shapes matter.
 */
@FunctionalInterface
public interface ModelRecipe extends Serializable {
    Sequential build(Backend backend);
}
