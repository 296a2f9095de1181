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
 * <p>The losses of the images of a mini-batch are summed, not averaged, as in anomalib (the network
 * is configured with {@code miniBatch(false)}, so the gradient is not divided either); the authors'
 * code averages over the batch instead and leaves out Eq. 1's ½, so at batch 32 this loss and its
 * gradient are 16× theirs, and so is SGD's step at the same learning rate (docs/DESIGN.md, "Loss
 * reduction"). The reported score is the per-image mean. The layer has no parameters, and its
 * activations are its input, so at inference the student network simply returns its feature
 * pyramid.
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
        return perImage.sum(); // summed over the batch (see above)
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
