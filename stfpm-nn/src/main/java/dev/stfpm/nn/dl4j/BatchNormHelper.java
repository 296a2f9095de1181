package dev.stfpm.nn.dl4j;

import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training-mode batch normalisation for Deeplearning4j's {@code BatchNormalization} layers of
 * 4-d float data, installed in place of the layer's oneDNN helper by {@link #install}.
 *
 * <p>Deeplearning4j 1.0.0-M2.1's oneDNN helper normalises on oneDNN but computes the batch
 * statistics, and libnd4j's {@code batchnorm_bp} the gradient's correction terms, with strided
 * reductions over the batch and spatial axes: about a quarter of a training step's time, and
 * 0.4 s per step for the channels-last stem alone (docs/DESIGN.md). This helper computes the same
 * quantities with contiguous reductions (row sums, row dot products and matrix-vector products on a
 * channel-major 2-d view) and keeps the normalisation itself on oneDNN. Per channel, with
 * {@code M} values, batch mean {@code μ}, population variance {@code σ²} and
 * {@code x̂ = (x − μ) / √(σ² + ε)}:
 *
 * <pre>
 *   dβ = Σ dy     dγ = Σ dy·x̂     dx = γ / √(σ² + ε) · (dy − dβ / M − x̂ · dγ / M)
 * </pre>
 *
 * <p>Inference mode normalises with the running statistics, exactly as the built-in helper does.
 * Deeplearning4j keeps updating the running statistics itself, from {@link #getMeanCache} and
 * {@link #getVarCache}.
 */
final class BatchNormHelper implements BatchNormalizationHelper {

    private INDArray meanCache;
    private INDArray varCache;
    /** The last batch's statistics per channel, in double precision, for the backward pass. */
    private double[] mean;
    private double[] invStd;
    /** A row of ones, for channel sums of channels-last data as a matrix-vector product. */
    private INDArray ones;

    /**
     * Replaces the oneDNN helper of every batch norm layer of a network by a new {@code BatchNormHelper}.
     * Layers whose helper was switched off (see {@link OneDnn}) keep Deeplearning4j's built-in code,
     * and layers with another backend's helper (cuDNN, under ND4J's CUDA backend) keep theirs.
     *
     * @param graph an initialised network
     * @return how many layers got the helper
     */
    static int install(ComputationGraph graph) {
        int installed = 0;
        for (Layer layer : graph.getLayers()) {
            if (layer instanceof BatchNormalization bn && bn.getHelper() instanceof MKLDNNBatchNormHelper) {
                HelperField.set(BatchNormalization.class, bn, new BatchNormHelper());
                installed++;
            }
        }
        return installed;
    }

    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return !fixedGammaBeta;
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of();
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return meanCache;
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return varCache;
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
                              INDArray runningMean, INDArray runningVar, double decay, double eps,
                              CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (x.dataType() != DataType.FLOAT || x.rank() != 4 || gamma == null || beta == null) {
            return null; // Deeplearning4j's built-in code handles the rest
        }
        x = contiguous(x);
        INDArray m;
        INDArray v;
        if (training) {
            ChannelView view = ChannelView.of(x, format);
            INDArray x2 = view.data(x);
            double[] sum = view.channelSums(x2, ones(view));
            double[] sumSq = view.channelSumsOfSquares(x2, ones(view), workspaceMgr);
            int c = sum.length;
            float[] meanF = new float[c];
            float[] varF = new float[c];
            mean = new double[c];
            invStd = new double[c];
            for (int i = 0; i < c; i++) {
                mean[i] = sum[i] / view.valuesPerChannel();
                double var = Math.max(0, sumSq[i] / view.valuesPerChannel() - mean[i] * mean[i]);
                invStd[i] = 1 / Math.sqrt(var + eps);
                meanF[i] = (float) mean[i];
                varF[i] = (float) var;
            }
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                meanCache = Nd4j.create(meanF);
                varCache = Nd4j.create(varF);
            }
            m = meanCache;
            v = varCache;
        } else {
            m = runningMean.reshape(runningMean.length());
            v = runningVar.reshape(runningVar.length());
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape());
        Nd4j.exec(DynamicCustomOp.builder("batchnorm")
                .addInputs(x, m, v, gamma.reshape(gamma.length()), beta.reshape(beta.length()))
                .addIntegerArguments(1, 1, format == CNN2DFormat.NCHW ? 1 : 3)
                .addFloatingPointArguments(eps)
                .addOutputs(out)
                .build());
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                     INDArray beta, INDArray dGammaView, INDArray dBetaView, double eps,
                                                     CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (input.dataType() != DataType.FLOAT || input.rank() != 4 || gamma == null || mean == null) {
            return null;
        }
        INDArray x = contiguous(input);
        INDArray dy = contiguous(epsilon);
        ChannelView view = ChannelView.of(x, format);
        INDArray x2 = view.data(x);
        INDArray dy2 = view.data(dy);
        double[] sumDy = view.channelSums(dy2, ones(view));
        INDArray bx = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), x2.shape());
        double[] sumDyX = view.channelDots(dy2, x2, ones(view), bx); // bx: scratch here, overwritten below
        double[] g = gamma.reshape(gamma.length()).toDoubleVector();
        int c = g.length;
        double n = view.valuesPerChannel();
        float[] dGamma = new float[c];
        float[] dBeta = new float[c];
        double[] a = new double[c];
        double[] b = new double[c];
        double[] k = new double[c];
        for (int i = 0; i < c; i++) {
            double dg = (sumDyX[i] - mean[i] * sumDy[i]) * invStd[i];
            dGamma[i] = (float) dg;
            dBeta[i] = (float) sumDy[i];
            // dx = a·dy + b·x + k, the closed form above expanded per channel
            a[i] = g[i] * invStd[i];
            b[i] = -a[i] * dg * invStd[i] / n;
            k[i] = -b[i] * mean[i] - a[i] * sumDy[i] / n;
        }
        dGammaView.assign(Nd4j.create(dGamma).reshape(dGammaView.shape()));
        dBetaView.assign(Nd4j.create(dBeta).reshape(dBetaView.shape()));

        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape());
        INDArray dx2 = view.data(dx);
        int axis = view.channelAxis();
        Nd4j.exec(new BroadcastMulOp(dy2, view.broadcastVector(a), dx2, axis));
        Nd4j.exec(new BroadcastMulOp(x2, view.broadcastVector(b), bx, axis));
        dx2.addi(bx);
        Nd4j.exec(new BroadcastAddOp(dx2, view.broadcastVector(k), dx2, axis));

        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(gradient, dx);
    }

    private static INDArray contiguous(INDArray a) {
        return Shape.hasDefaultStridesForShape(a) && a.ordering() == 'c' ? a : a.dup('c');
    }

    /** A row of ones as long as a channels-last view's columns, kept between calls (outside any workspace). */
    private INDArray ones(ChannelView view) {
        if (view.channelsFirst()) {
            return null;
        }
        long n = view.images() * view.positions();
        if (ones == null || ones.length() != n) {
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                ones = Nd4j.ones(DataType.FLOAT, 1, n);
            }
        }
        return ones;
    }

    /**
     * A 4-d array seen as a 2-d matrix whose reductions per channel are contiguous: channels-first
     * {@code [N, C, H, W]} as {@code [N·C, H·W]} (a row per image and channel), channels-last
     * {@code [N, H, W, C]} as {@code [N·H·W, C]} (a column per channel).
     */
    private record ChannelView(boolean channelsFirst, long images, long channels, long positions) {

        static ChannelView of(INDArray x, CNN2DFormat format) {
            boolean first = format == CNN2DFormat.NCHW;
            long c = first ? x.size(1) : x.size(3);
            return new ChannelView(first, x.size(0), c, x.length() / x.size(0) / c);
        }

        /** Values per channel over the batch. */
        double valuesPerChannel() {
            return images * positions;
        }

        INDArray data(INDArray x) {
            return channelsFirst ? x.reshape('c', images * channels, positions) : x.reshape('c', images * positions, channels);
        }

        /** The broadcast axis of a per-channel vector in {@link #data} (rows or columns). */
        int channelAxis() {
            return channelsFirst ? 0 : 1;
        }

        /** A per-channel vector in the shape a broadcast over {@link #data} needs. */
        INDArray broadcastVector(double[] perChannel) {
            if (!channelsFirst) {
                return Nd4j.create(toFloat(perChannel, 1), new long[] {channels}, 'c');
            }
            return Nd4j.create(toFloat(perChannel, images), new long[] {images * channels}, 'c');
        }

        double[] channelSums(INDArray data, INDArray ones) {
            if (channelsFirst) {
                return sumOverImages(data.sum(1).toDoubleVector());
            }
            return ones.mmul(data).toDoubleVector();
        }

        double[] channelSumsOfSquares(INDArray data, INDArray ones, LayerWorkspaceMgr ws) {
            if (channelsFirst) {
                double[] norms = data.norm2(1).toDoubleVector();
                for (int i = 0; i < norms.length; i++) {
                    norms[i] *= norms[i];
                }
                return sumOverImages(norms);
            }
            INDArray squares = ws.createUninitialized(ArrayType.FF_WORKING_MEM, data.dataType(), data.shape());
            squares.assign(data).muli(data);
            return ones.mmul(squares).toDoubleVector();
        }

        /** Per-channel dot products of two arrays in the {@link #data} shape; {@code scratch}, of that shape, is overwritten. */
        double[] channelDots(INDArray a, INDArray b, INDArray ones, INDArray scratch) {
            if (channelsFirst) {
                return sumOverImages(Nd4j.getExecutioner().exec(new Dot(a, b, 1)).toDoubleVector());
            }
            INDArray products = scratch.assign(a).muli(b);
            return ones.mmul(products).toDoubleVector();
        }

        /** Sums the per-row values of a channels-first view over the images. */
        private double[] sumOverImages(double[] perRow) {
            double[] out = new double[(int) channels];
            for (int i = 0; i < perRow.length; i++) {
                out[(int) (i % channels)] += perRow[i];
            }
            return out;
        }

        private static float[] toFloat(double[] values, long repeat) {
            float[] out = new float[(int) (values.length * repeat)];
            for (int r = 0; r < repeat; r++) {
                for (int i = 0; i < values.length; i++) {
                    out[r * values.length + i] = (float) values[i];
                }
            }
            return out;
        }
    }
}
