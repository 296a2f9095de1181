package dev.stfpm.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

class PyramidMatchingLossTest {

    /** Eq. 1 and 2 by hand, in double precision, for one image. */
    private static double handLoss(double[][][] t, double[][][] s) {
        int c = t.length;
        int h = t[0].length;
        int w = t[0][0].length;
        double sum = 0;
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                double nt = 0;
                double ns = 0;
                for (int k = 0; k < c; k++) {
                    nt += t[k][i][j] * t[k][i][j];
                    ns += s[k][i][j] * s[k][i][j];
                }
                nt = Math.max(Math.sqrt(nt), 1e-12);
                ns = Math.max(Math.sqrt(ns), 1e-12);
                double d = 0;
                for (int k = 0; k < c; k++) {
                    double diff = t[k][i][j] / nt - s[k][i][j] / ns;
                    d += diff * diff;
                }
                sum += 0.5 * d;
            }
        }
        return sum / (h * w);
    }

    private static double[][][] toArray(INDArray x, int n) {
        long[] sh = x.shape();
        double[][][] out = new double[(int) sh[1]][(int) sh[2]][(int) sh[3]];
        for (int k = 0; k < sh[1]; k++) {
            for (int i = 0; i < sh[2]; i++) {
                for (int j = 0; j < sh[3]; j++) {
                    out[k][i][j] = x.getDouble(n, k, i, j);
                }
            }
        }
        return out;
    }

    @Test
    void perPositionDistanceMatchesHandComputation() {
        Nd4j.getRandom().setSeed(1);
        INDArray t = Nd4j.randn(DataType.FLOAT, 2, 5, 3, 4);
        INDArray s = Nd4j.randn(DataType.FLOAT, 2, 5, 3, 4);
        t.putScalar(new long[] {0, 0, 1, 1}, 0f);
        SameDiff sd = SameDiff.create();
        SDVariable d = FeatureDistance.perPosition(sd, sd.constant(t), sd.constant(s)).mean(1, 2);
        INDArray perImage = d.eval();
        for (int n = 0; n < 2; n++) {
            assertThat(perImage.getDouble(n)).isCloseTo(handLoss(toArray(t, n), toArray(s, n)), within(1e-5));
        }
    }

    @Test
    void distanceIsZeroForScaledCopiesAndOneForOrthogonalVectors() {
        INDArray t = Nd4j.create(new float[] {1, 0, 0, 2}, new long[] {1, 2, 1, 2}, 'c');
        INDArray sameDirection = t.mul(3);
        INDArray orthogonal = Nd4j.create(new float[] {0, 5, 1, 0}, new long[] {1, 2, 1, 2}, 'c');
        SameDiff sd = SameDiff.create();
        assertThat(FeatureDistance.perPosition(sd, sd.constant(t), sd.constant(sameDirection)).eval().data().asFloat())
                .containsExactly(new float[] {0f, 0f}, within(1e-6f));
        // ½‖(1,0) − (0,1)‖² = 1
        assertThat(FeatureDistance.perPosition(sd, sd.constant(t), sd.constant(orthogonal)).eval().data().asFloat())
                .containsExactly(new float[] {1f, 1f}, within(1e-6f));
    }

    /** A one-layer student (a 1×1 convolution) ending in the loss, to check value and gradient. */
    private static ComputationGraph tinyStudent() {
        var g = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE).updater(new NoOp())
                .miniBatch(false).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(3, 4, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(1, 1).nIn(2).nOut(5).activation(Activation.IDENTITY).build(), "in")
                .addLayer("loss", new PyramidMatchingLoss("loss"), "conv")
                .setOutputs("loss");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    @Test
    void graphScoreIsTheMeanOfPerImageLosses() {
        ComputationGraph net = tinyStudent();
        Nd4j.getRandom().setSeed(2);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 2, 3, 4);
        INDArray teacher = Nd4j.randn(DataType.DOUBLE, 3, 5, 3, 4);
        INDArray student = net.output(x)[0];
        double expected = 0;
        for (int n = 0; n < 3; n++) {
            expected += handLoss(toArray(teacher, n), toArray(student, n)) / 3;
        }
        double score = net.score(new MultiDataSet(new INDArray[] {x}, new INDArray[] {teacher}), false);
        assertThat(score).isCloseTo(expected, within(1e-9));
    }

    @Test
    void perImageIsTheLayersLossWithoutAGraph() {
        ComputationGraph net = tinyStudent();
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 2, 3, 4);
        INDArray teacher = Nd4j.randn(DataType.DOUBLE, 3, 5, 3, 4);
        INDArray student = net.output(x)[0];
        double[] perImage = PyramidMatchingLoss.perImage(new INDArray[] {teacher.castTo(DataType.FLOAT)},
                new INDArray[] {student.castTo(DataType.FLOAT)});
        assertThat(perImage).hasSize(3);
        for (int n = 0; n < 3; n++) {
            assertThat(perImage[n]).isCloseTo(handLoss(toArray(teacher, n), toArray(student, n)), within(1e-6));
        }
        double score = net.score(new MultiDataSet(new INDArray[] {x}, new INDArray[] {teacher}), false);
        assertThat(java.util.Arrays.stream(perImage).average().orElseThrow()).isCloseTo(score, within(1e-6));
        // two levels: the sum of each level's loss (Eq. 3)
        INDArray teacher2 = Nd4j.randn(DataType.FLOAT, 3, 4, 2, 2);
        INDArray student2 = Nd4j.randn(DataType.FLOAT, 3, 4, 2, 2);
        double[] both = PyramidMatchingLoss.perImage(new INDArray[] {teacher.castTo(DataType.FLOAT), teacher2},
                new INDArray[] {student.castTo(DataType.FLOAT), student2});
        for (int n = 0; n < 3; n++) {
            assertThat(both[n]).isCloseTo(perImage[n] + handLoss(toArray(teacher2, n), toArray(student2, n)), within(1e-6));
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        ComputationGraph net = tinyStudent();
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 2, 3, 4);
        INDArray teacher = Nd4j.randn(DataType.DOUBLE, 2, 5, 3, 4);
        MultiDataSet data = new MultiDataSet(new INDArray[] {x}, new INDArray[] {teacher});
        net.setInputs(x);
        net.setLabels(teacher);
        net.computeGradientAndScore();
        Map<String, INDArray> grads = net.gradient().gradientForVariable();
        INDArray w = net.getParam("conv_W");
        INDArray analytic = grads.get("conv_W");
        double h = 1e-6;
        for (int i = 0; i < w.length(); i += 3) {
            double orig = w.getDouble(i);
            w.putScalar(i, orig + h);
            double plus = net.score(data, false) * 2;
            w.putScalar(i, orig - h);
            double minus = net.score(data, false) * 2;
            w.putScalar(i, orig);
            // the loss of a batch is the sum of its images' losses (score × batch size)
            assertThat(analytic.getDouble(i)).as("dL/dW[%d]", i).isCloseTo((plus - minus) / (2 * h), within(1e-6));
        }
    }
}
