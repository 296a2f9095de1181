package dev.stfpm.nn.onnx;

/**
 * One convolution's weights with batch norm folded in.
 *
 * @param outChannels output channels
 * @param inChannels  input channels
 * @param kernelH     kernel height
 * @param kernelW     kernel width
 * @param weight      the kernel, OIHW order (ONNX's and Deeplearning4j's), flattened row-major
 * @param bias        one value per output channel
 */
public record ConvWeights(int outChannels, int inChannels, int kernelH, int kernelW, float[] weight, float[] bias) {

    /** Checks the array lengths against the shape. */
    public ConvWeights {
        if (weight.length != outChannels * inChannels * kernelH * kernelW || bias.length != outChannels) {
            throw new IllegalArgumentException("weights of " + weight.length + " and bias of " + bias.length
                    + " values do not fit [" + outChannels + ", " + inChannels + ", " + kernelH + ", " + kernelW + "]");
        }
    }
}
