package dev.stfpm.nn;

import dev.stfpm.nn.dl4j.Dl4jWorkarounds;
import java.util.Arrays;
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

    /**
     * The same loss on finished feature maps, without a graph: what the student's loss layers
     * compute, per image, from the teacher's and the student's features (the trainer's validation
     * loss, computed from the student's inference-mode features). Eq. 1 comes from
     * {@link FeatureDistance}'s plain-array form; {@code PyramidMatchingLossTest} ties this to the
     * layer's score.
     *
     * @param teacher the teacher's features, one {@code [N, C, H, W]} map per level
     * @param student the student's features, same shapes
     * @return each image's loss, summed over the levels (Eq. 3) of the mean over positions (Eq. 2)
     */
    public static double[] perImage(INDArray[] teacher, INDArray[] student) {
        int n = (int) teacher[0].size(0);
        double[] loss = new double[n];
        for (int level = 0; level < teacher.length; level++) {
            long[] shape = teacher[level].shape();
            if (!Arrays.equals(shape, student[level].shape())) {
                throw new IllegalArgumentException("level " + level + ": teacher features " + Arrays.toString(shape)
                        + ", student features " + Arrays.toString(student[level].shape()));
            }
            int channels = (int) shape[1];
            int positions = (int) (shape[2] * shape[3]);
            float[] t = Dl4jWorkarounds.toHeap(teacher[level]);
            float[] s = Dl4jWorkarounds.toHeap(student[level]);
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (double d : FeatureDistance.perPosition(t, s, i * channels * positions, channels, positions)) {
                    sum += d;
                }
                loss[i] += sum / positions; // Eq. 2, summed over levels: Eq. 3
            }
        }
        return loss;
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
