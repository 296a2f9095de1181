package dev.stfpm.bench;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.nn.FeaturePyramid;
import dev.stfpm.nn.ResNet18;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The arithmetic of the feature pyramid's convolutions, counted from the network itself: for each
 * convolution, {@code 2 · k_h · k_w · C_in · C_out · H_out · W_out} FLOPs per image forward. A training
 * pass adds the weight gradient (as many again) and the input gradient (as many again, except for
 * the first convolution, whose input is the image). Batch norm, ReLU, pooling, the loss and the SGD
 * update are left out: they are a few percent of the convolutions' work and bound by memory, not
 * arithmetic, so the counts are lower bounds of the work.
 *
 * @param forward  FLOPs of one image's forward pass (conv1 … the last pyramid level)
 * @param training FLOPs of one image's training pass (forward, weight and input gradients)
 */
public record NetworkFlops(double forward, double training) {

    /**
     * @param config image size and pyramid levels; {@link StfpmConfig#paper()} gives 3.66 GFLOP
     *               forward, 10.7 GFLOP training per image
     * @return the counts for the student (the teacher's convolutions are the same)
     */
    public static NetworkFlops of(StfpmConfig config) {
        FeaturePyramid net = FeaturePyramid.teacher(config);
        int s = config.imageSize();
        Map<String, INDArray> activations = net.graph().feedForward(Nd4j.zeros(DataType.FLOAT, 1, s, s, 3), false);
        double forward = 0;
        double firstInputGradient = 0;
        for (Layer layer : net.graph().getLayers()) {
            if (layer.getConfig() instanceof ConvolutionLayer) {
                String name = layer.getConfig().getLayerName();
                long[] w = layer.getParam("W").shape(); // [C_out, C_in, k_h, k_w]
                long[] out = activations.get(name).shape(); // [1, C_out, H_out, W_out] or channels-last
                long positions = out[0] * out[1] * out[2] * out[3] / w[0];
                double flops = 2.0 * w[0] * w[1] * w[2] * w[3] * positions;
                if (name.equals(ResNet18.convNames().get(0))) {
                    firstInputGradient = flops; // conv1's input is the image: no gradient for it
                }
                forward += flops;
            }
        }
        net.graph().close();
        return new NetworkFlops(forward, 3 * forward - firstInputGradient);
    }
}
