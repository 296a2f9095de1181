package dev.stfpm.nn.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.nn.FeaturePyramid;
import dev.stfpm.nn.Prediction;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.TrainingHistory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The exported graph, run in ONNX Runtime with every graph optimisation on, against the model it was
 * exported from: the shipped ImageNet teacher and a student trained for a few steps (so that its
 * batch norms are no longer the identity), at 96 px, where every level's upsampling is a
 * non-trivial factor.
 */
class OnnxExporterTest {

    private static final StfpmConfig CONFIG = StfpmConfig.paper().withImageSize(96);
    private static StfpmModel model;
    private static OrtEnvironment env;

    @BeforeAll
    static void trainBriefly() throws IOException {
        FeaturePyramid teacher = FeaturePyramid.teacher(Teacher.imagenetResNet18().weights(), CONFIG);
        FeaturePyramid student = FeaturePyramid.student(CONFIG);
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 96, 96, 3);
        var batch = new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x}, teacher.features(x));
        for (int i = 0; i < 3; i++) {
            student.graph().fit(batch);
        }
        var history = new TrainingHistory("data", 4, 0, "teacher.onnx", Teacher.IMAGENET_RESNET18_SHA256, List.of(), 0, 0,
                "now", "test", 0);
        model = new StfpmModel(CONFIG, teacher, student, history, new AnomalyCalibration(0.02, 0.01, 0.001, 0.5, "test set"));
        env = OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static OrtSession session(byte[] onnx) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return env.createSession(onnx, options);
    }

    @Test
    void theTensorFormComputesTheModelsMapsAndScores() throws OrtException {
        int n = 3;
        int s = CONFIG.imageSize();
        Random random = new Random(7);
        float[] chw = new float[n * 3 * s * s];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = (float) random.nextGaussian();
        }
        INDArray nchw = Nd4j.create(chw, new long[] {n, 3, s, s}, 'c');
        INDArray expected = model.anomalyMaps(nchw.permute(0, 2, 3, 1).dup('c'));
        float[] expectedMaps = expected.data().asFloat();
        float[] expectedScores = expected.reshape(n, -1).max(1).toFloatVector();

        try (OrtSession session = session(OnnxExporter.export(model, OnnxExporter.InputForm.TENSOR));
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(chw), new long[] {n, 3, s, s});
             OrtSession.Result out = session.run(Map.of(OnnxExporter.INPUT, input))) {
            float[][][] maps = (float[][][]) out.get(OnnxExporter.MAP).orElseThrow().getValue();
            float[] scores = (float[]) out.get(OnnxExporter.SCORE).orElseThrow().getValue();
            double worst = 0;
            double largest = 0;
            for (int i = 0; i < n; i++) {
                for (int y = 0; y < s; y++) {
                    for (int x = 0; x < s; x++) {
                        float e = expectedMaps[(i * s + y) * s + x];
                        worst = Math.max(worst, Math.abs(maps[i][y][x] - e));
                        largest = Math.max(largest, Math.abs(e));
                    }
                }
                assertThat((double) scores[i]).isCloseTo(expectedScores[i], org.assertj.core.data.Offset.offset(1e-4));
            }
            System.out.printf("ONNX export, tensor form: max |map difference| %.3g (map values up to %.3g)%n", worst, largest);
            assertThat(largest).as("the maps are not all zero").isGreaterThan(1e-3);
            assertThat(worst).isLessThanOrEqualTo(1e-4);
        }
    }

    /** Larger images are reduced (the filter widens), smaller ones enlarged; neither is square. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"211, 157", "60, 45"})
    void theImageFormPreprocessesAsTheModelDoes(int w, int h) throws OrtException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(11);
        byte[] hwc = new byte[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 255 / w + random.nextInt(40)) & 0xff;
                int g = (y * 255 / h + random.nextInt(40)) & 0xff;
                int b = ((x ^ y) & 0xff);
                image.setRGB(x, y, r << 16 | g << 8 | b);
                int p = (y * w + x) * 3;
                hwc[p] = (byte) r;
                hwc[p + 1] = (byte) g;
                hwc[p + 2] = (byte) b;
            }
        }
        Prediction expected = model.predict(image);
        try (OrtSession session = session(OnnxExporter.export(model, OnnxExporter.InputForm.IMAGE));
             OnnxTensor input = OnnxTensor.createTensor(env, ByteBuffer.wrap(hwc), new long[] {1, h, w, 3},
                     ai.onnxruntime.OnnxJavaType.UINT8);
             OrtSession.Result out = session.run(Map.of(OnnxExporter.IMAGE, input))) {
            float[][] map = ((float[][][]) out.get(OnnxExporter.MAP).orElseThrow().getValue())[0];
            float score = ((float[]) out.get(OnnxExporter.SCORE).orElseThrow().getValue())[0];
            int s = CONFIG.imageSize();
            double worst = 0;
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    worst = Math.max(worst, Math.abs(map[y][x] - expected.map()[y * s + x]));
                }
            }
            System.out.printf("ONNX export, image form (%dx%d uint8): score %.6f against %.6f, max |map difference| %.3g%n",
                    w, h, score, expected.score(), worst);
            assertThat((double) score).isCloseTo(expected.score(), org.assertj.core.data.Offset.offset(1e-4));
            assertThat(worst).isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void theMetadataSaysHowToFeedTheGraphAndCarriesTheThresholds() throws OrtException {
        try (OrtSession session = session(OnnxExporter.export(model, OnnxExporter.InputForm.TENSOR))) {
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            assertThat(meta).containsEntry("stfpm.image_size", "96").containsEntry("stfpm.input_form", "tensor")
                    .containsEntry("stfpm.image_threshold", "0.02").containsEntry("stfpm.pixel_threshold", "0.01")
                    .containsEntry("stfpm.normalisation_min", "0.001").containsEntry("stfpm.normalisation_max", "0.5")
                    .containsEntry("stfpm.teacher_sha256", Teacher.IMAGENET_RESNET18_SHA256)
                    .containsEntry("stfpm.channel_order", "RGB")
                    .containsKeys(OnnxExporter.META_CONFIG, OnnxExporter.META_HISTORY, OnnxExporter.META_CALIBRATION);
            assertThat(meta.get("stfpm.mean")).isEqualTo("0.485,0.456,0.406");
            assertThat(session.getInputNames()).containsExactly(OnnxExporter.INPUT);
            assertThat(session.getOutputNames()).containsExactly(OnnxExporter.MAP, OnnxExporter.SCORE);
        }
    }
}
