package dev.stfpm.nn.dl4j;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A ReLU layer that overwrites its input with its output, as PyTorch's {@code ReLU(inplace=True)}
 * in torchvision's ResNet does. Deeplearning4j's {@link ActivationLayer} copies its input in training
 * (to keep it for the backward pass) and copies it again in the backward pass: at batch 32 and 256 px
 * that is one more stored tensor per ReLU (352 MiB of them for the trunk up to layer3) and two
 * gradient-sized temporaries each.
 *
 * <p>The ReLU's output serves its backward pass as well as its input would: it is positive exactly where
 * the input was. In inference, where the input lies in another workspace than the output, it writes the
 * output there instead of copying the input first. Only for inputs that no other layer reads (a batch
 * norm's or a residual sum's output in ResNet-18): they are overwritten. Public, with a no-argument
 * constructor, only because Deeplearning4j's JSON configuration creates layer configurations reflectively.
 */
public final class InPlaceRelu extends ActivationLayer {

    /** A ReLU. */
    public InPlaceRelu() {
        super(Activation.RELU);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType networkDataType) {
        Implementation layer = new Implementation(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        Map<String, INDArray> params = initializer().init(conf, paramsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public InPlaceRelu clone() {
        return (InPlaceRelu) super.clone();
    }

    /** The layer itself. */
    static final class Implementation extends org.deeplearning4j.nn.layers.ActivationLayer {

        Implementation(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaces) {
            assertInputSet(false);
            if (writesInPlace(workspaces)) {
                INDArray x = workspaces.leverageTo(ArrayType.ACTIVATIONS, input);
                Nd4j.exec(new RectifiedLinear(x, x));
                return x;
            }
            INDArray y = workspaces.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(),
                    input.ordering());
            Nd4j.exec(new RectifiedLinear(input, y));
            return y;
        }

        /**
         * Whether the input lies where the output belongs: in training, where all activations share one
         * workspace, or without workspaces. In inference each layer's activations have a workspace of their own
         * (and a network's outputs none), and Deeplearning4j's {@code leverageTo} would copy the input there
         * first: writing the ReLU of the input straight there saves that copy.
         */
        private boolean writesInPlace(LayerWorkspaceMgr workspaces) {
            if (!input.isAttached()) {
                return true;
            }
            if (workspaces.isScopedOut(ArrayType.ACTIVATIONS)) {
                return false;
            }
            return input.data().getParentWorkspace().getId().equals(workspaces.getWorkspaceName(ArrayType.ACTIVATIONS));
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaces) {
            assertInputSet(true);
            INDArray delta = workspaces.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(),
                    input.shape(), input.ordering());
            // the input now holds the ReLU's output, positive exactly where the ReLU's input was
            Nd4j.exec(new RectifiedLinearDerivative(input, epsilon, delta, 0.0));
            return new Pair<>(new DefaultGradient(), delta);
        }
    }
}
