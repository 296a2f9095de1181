package dev.stfpm.nn;

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

    /**
     * Folds an inference-mode batch norm that follows this convolution into its weights and bias:
     * {@code w' = w·γ/√(var+ε)} per output channel, {@code b' = (b − mean)·γ/√(var+ε) + β}. Computed
     * in double precision.
     *
     * @param gamma scale per output channel
     * @param beta  shift per output channel
     * @param mean  running mean per output channel
     * @param var   running variance per output channel
     * @param eps   the batch norm's epsilon
     * @return the folded convolution
     * @throws IllegalArgumentException if a length does not match or {@code var + eps} is not positive
     */
    public ConvWeights foldBatchNorm(float[] gamma, float[] beta, float[] mean, float[] var, double eps) {
        if (gamma.length != outChannels || beta.length != outChannels || mean.length != outChannels
                || var.length != outChannels) {
            throw new IllegalArgumentException("batch norm parameters must have " + outChannels + " values each");
        }
        float[] w = weight.clone();
        float[] b = bias.clone();
        int per = w.length / outChannels;
        for (int o = 0; o < outChannels; o++) {
            double v = var[o] + eps;
            if (!(v > 0)) {
                throw new IllegalArgumentException("expected var + epsilon > 0, found " + v + " for channel " + o);
            }
            double scale = gamma[o] / Math.sqrt(v);
            for (int i = o * per; i < (o + 1) * per; i++) {
                w[i] = (float) (w[i] * scale);
            }
            b[o] = (float) ((b[o] - (double) mean[o]) * scale + beta[o]);
        }
        return new ConvWeights(outChannels, inChannels, kernelH, kernelW, w, b);
    }
}
