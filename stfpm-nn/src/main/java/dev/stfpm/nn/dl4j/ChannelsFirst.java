package dev.stfpm.nn.dl4j;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Turns channels-last activations ({@code [N, H, W, C]}) into channels-first ones
 * ({@code [N, C, H, W]}), and their gradients back. {@code ResNet18} runs its stem (conv1 … max
 * pooling) channels-last, where oneDNN's max pooling is fast, and its stages channels-first, where
 * training is faster; this sits between the two. In a network that never trains, {@link BlockedStages}
 * takes its place once the network is built, converting to oneDNN's blocked layout instead.
 *
 * <p>Public, with the implicit no-argument constructor, because Deeplearning4j's JSON configuration
 * names preprocessors by class and creates them reflectively; network code gets one from
 * {@link Dl4jWorkarounds#channelsFirst}.
 */
public final class ChannelsFirst implements InputPreProcessor {

    private static final long serialVersionUID = 1L;

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, input.permute(0, 3, 1, 2), 'c');
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        return workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, output.permute(0, 2, 3, 1), 'c');
    }

    @Override
    public ChannelsFirst clone() {
        return new ChannelsFirst();
    }

    @Override
    public InputType getOutputType(InputType inputType) {
        InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) inputType;
        return InputType.convolutional(in.getHeight(), in.getWidth(), in.getChannels(), CNN2DFormat.NCHW);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState, int minibatchSize) {
        return new Pair<>(maskArray, currentMaskState);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelsFirst;
    }

    @Override
    public int hashCode() {
        return ChannelsFirst.class.hashCode();
    }
}
