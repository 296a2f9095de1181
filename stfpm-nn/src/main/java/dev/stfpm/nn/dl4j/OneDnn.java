package dev.stfpm.nn.dl4j;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes Deeplearning4j 1.0.0-M2.1 run convolutions and batch norm on oneDNN on the CPU.
 *
 * <p>As shipped, that release never uses oneDNN from its layers, for two reasons: layer helpers
 * are off unless the system property {@code org.eclipse.deeplearning4j.helpers.disable} is
 * {@code false}, and its availability check reflects on a class that has since moved (see
 * {@code org.nd4j.nativeblas.Nd4jCpu}, the shim in this module, which answers at the old name).
 * Without both fixes convolutions run as im2col + GEMM, about seven times slower. {@link #enable()}
 * sets the property; it must run before a network is initialised, which {@code FeaturePyramid} does
 * through {@link Dl4jWorkarounds#enableOneDnn}. Users who want the built-in code set the property to
 * {@code true} themselves before the first network is built; that choice is respected.
 * docs/DESIGN.md gives the measurements behind this.
 */
final class OneDnn {

    /** The Deeplearning4j property that switches layer helpers (oneDNN, cuDNN) off. */
    static final String DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    private static final Logger LOG = LoggerFactory.getLogger(OneDnn.class);

    private OneDnn() {
    }

    /** Turns layer helpers on unless the user set {@value #DISABLE_PROPERTY} explicitly. */
    static synchronized void enable() {
        if (System.getProperty(DISABLE_PROPERTY) == null) {
            System.setProperty(DISABLE_PROPERTY, "false");
        }
    }

    /**
     * @param graph an initialised network
     * @return whether its convolutions run on a layer helper (oneDNN on CPU, cuDNN on CUDA)
     */
    static boolean isActive(ComputationGraph graph) {
        for (Layer layer : graph.getLayers()) {
            if (layer instanceof ConvolutionLayer conv) {
                boolean active = conv.getHelper() != null;
                if (!active) {
                    LOG.debug("layer {} runs without a helper", layer.getConfig().getLayerName());
                }
                return active;
            }
        }
        return false;
    }
}
