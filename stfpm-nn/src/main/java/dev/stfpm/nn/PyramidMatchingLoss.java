package dev.stfpm.nn;

import java.util.Map;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The feature pyramid matching loss of one pyramid level, a Deeplearning4j output layer defined
 * in SameDiff. Its input is the student's feature map, its labels the teacher's feature map of the
 * same image; its loss for one image is Eq. 2, the mean over positions of Eq. 1
 * ({@link FeatureDistance}). The student network ends in one such layer per level, so the graph's
 * total loss is the sum over levels, Eq. 3 (with all α<sub>l</sub> = 1, as in the paper).
 *
 * <p>As in the authors' code, the losses of the images of a mini-batch are summed, not averaged
 * (the network is configured with {@code miniBatch(false)}, so the gradient is not divided either);
 * the reported score is the per-image mean. The layer has no parameters, and its activations are
 * its input, so at inference the student network simply returns its feature pyramid.
 */
public class PyramidMatchingLoss extends SameDiffOutputLayer {

    /** For Deeplearning4j's JSON configuration mapper. */
    public PyramidMatchingLoss() {
    }

    /**
     * @param name the layer's name in the graph
     */
    public PyramidMatchingLoss(String name) {
        setLayerName(name);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable student, SDVariable teacher, Map<String, SDVariable> params) {
        SDVariable perImage = FeatureDistance.perPosition(sd, teacher, student).mean(1, 2); // Eq. 2
        return perImage.sum();
    }

    @Override
    public String activationsVertexName() {
        return "input";
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        // no trainable parameters
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        // no trainable parameters
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        // the loss works on any number of channels
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }
}
