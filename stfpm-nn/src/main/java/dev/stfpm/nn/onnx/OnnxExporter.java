package dev.stfpm.nn.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.image.ImagePreprocessor;
import dev.stfpm.nn.ConvWeights;
import dev.stfpm.nn.FeatureDistance;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.TeacherWeights;
import dev.stfpm.nn.onnx.OnnxGraphBuilder.Attr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;

/**
 * Exports a trained model's whole inference as one ONNX graph (opset {@value #OPSET}): teacher and
 * student (batch norm folded), Eq. 1 at each pyramid level, bilinear upsampling, Eq. 4's product and
 * the score, so that any ONNX runtime computes the maps {@link StfpmModel#anomalyMaps} computes.
 *
 * <p>The graph, step by step, for each configured level {@code l}:
 * <ol>
 * <li>teacher and student trunks: {@code Conv} (bias = folded batch norm), {@code Relu},
 *     {@code MaxPool}, torchvision's basic blocks ({@code Add} of the shortcut), up to the level;</li>
 * <li>Eq. 1: {@code F̂ = F / Max(ReduceL2(F, channels), ε)} for both (ε = {@link FeatureDistance#EPS},
 *     as {@code FeatureDistance}; {@code LpNormalization} has no ε and gives NaN on zero vectors),
 *     then {@code ½·ReduceSum((F̂t − F̂s)², channels)};</li>
 * <li>{@code Resize} to S×S, linear, half-pixel centres (PyTorch's {@code align_corners=False}, as
 *     {@code AnomalyMap});</li>
 * <li>Eq. 4: the product over levels is {@value #MAP} {@code [N, S, S]}; its maximum per image is
 *     {@value #SCORE} {@code [N]}.</li>
 * </ol>
 *
 * <p>Two input forms. {@link InputForm#TENSOR}: {@value #INPUT}, float32 {@code [N, 3, S, S]},
 * ImageNet-normalised RGB, exactly what {@code StfpmModel} feeds its networks after
 * {@link ImagePreprocessor}. {@link InputForm#IMAGE}: {@value #IMAGE}, uint8 {@code [N, H, W, 3]} RGB
 * of any size; the graph scales to [0, 1], resizes with {@code Resize(antialias=1)} (the triangle
 * filter widened by the reduction factor that {@code ImagePreprocessor} and Pillow use) and
 * normalises, so a deployment only decodes the file.
 *
 * <p>{@code metadata_props} say how to feed the graph and what its numbers mean: image size, resize
 * method, mean and std, channel order, the teacher's SHA-256, the model's settings and provenance
 * (JSON) and, for calibrated models, the thresholds and the normalisation range ({@link #metadata}).
 */
public final class OnnxExporter {

    /** The ONNX operator set the graph uses (18: {@code Resize} with {@code antialias}, axes as inputs). */
    public static final int OPSET = 18;
    /** Name of the tensor form's input. */
    public static final String INPUT = "input";
    /** Name of the image form's input. */
    public static final String IMAGE = "image";
    /** Name of the anomaly-map output, float32 {@code [N, S, S]}. */
    public static final String MAP = "anomaly_map";
    /** Name of the score output, float32 {@code [N]}. */
    public static final String SCORE = "score";
    /** Metadata key prefix; every key this exporter writes starts with it. */
    public static final String META_PREFIX = "stfpm.";
    /** Metadata key: the model's {@link StfpmConfig} as JSON. */
    public static final String META_CONFIG = "stfpm.config";
    /** Metadata key: the model's training provenance ({@code TrainingHistory}) as JSON. */
    public static final String META_HISTORY = "stfpm.history";
    /** Metadata key: the model's {@link AnomalyCalibration} as JSON (absent if uncalibrated). */
    public static final String META_CALIBRATION = "stfpm.calibration";
    /** Metadata key: which input form the graph has ({@code tensor} or {@code image}). */
    public static final String META_INPUT_FORM = "stfpm.input_form";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Channel axis of NCHW tensors. */
    private static final long CHANNELS = 1;

    /** What the exported graph takes as input. */
    public enum InputForm {
        /** {@value OnnxExporter#INPUT}: float32 {@code [N, 3, S, S]}, preprocessed as {@code ImagePreprocessor} does. */
        TENSOR,
        /** {@value OnnxExporter#IMAGE}: uint8 {@code [N, H, W, 3]} RGB of any size; the graph preprocesses. */
        IMAGE
    }

    private OnnxExporter() {
    }

    /**
     * Writes the model's inference graph to a file, atomically (a temporary file beside it, then moved).
     *
     * @param model the model
     * @param form  the input form
     * @param file  the {@code .onnx} file to write
     * @throws IOException if it cannot be written
     */
    public static void write(StfpmModel model, InputForm form, Path file) throws IOException {
        byte[] bytes = export(model, form);
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".part");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The model's inference graph as ONNX bytes.
     *
     * @param model the model
     * @param form  the input form
     * @return a serialised {@code ModelProto}
     */
    public static byte[] export(StfpmModel model, InputForm form) {
        StfpmConfig config = model.config();
        int s = config.imageSize();
        OnnxGraphBuilder g = new OnnxGraphBuilder("stfpm");
        String x = form == InputForm.TENSOR ? tensorInput(g, s) : preprocessedImage(g, s);
        List<String> t = trunk(g, "teacher", model.teacher().foldedWeights(), config, x);
        List<String> st = trunk(g, "student", model.student().foldedWeights(), config, x);
        String product = null;
        for (int l = 0; l < t.size(); l++) {
            String level = config.pyramidLevels().get(l);
            String d = distance(g, level, t.get(l), st.get(l));
            String up = upsampled(g, level, d, s);
            product = product == null ? up : g.op("Mul", "map." + level, product, up); // Eq. 4
        }
        String map = g.op("Squeeze", "map", product, g.longs("axis.channel", CHANNELS));
        g.output(map, MAP, TensorProto.DataType.FLOAT_VALUE, "N", (long) s, (long) s);
        String score = g.node("ReduceMax", "score.max", new String[] {MAP, g.longs("axes.spatial", 1, 2)},
                Attr.integer("keepdims", 0));
        g.output(score, SCORE, TensorProto.DataType.FLOAT_VALUE, "N");
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8).setProducerName("stfpm-java")
                .setProducerVersion(model.history().software()).setDocString("STFPM (Wang et al., BMVC 2021): "
                        + "anomaly map (Eq. 4) and score of teacher-student feature pyramid matching")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).setGraph(g.build());
        metadata(model, form).forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build().toByteArray();
    }

    /**
     * The {@code metadata_props} the export writes: how to feed the graph and what its numbers mean.
     *
     * @param model the model
     * @param form  the input form
     * @return key to value, in a readable order
     */
    public static Map<String, String> metadata(StfpmModel model, InputForm form) {
        StfpmConfig config = model.config();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(META_INPUT_FORM, form.name().toLowerCase(java.util.Locale.ROOT));
        meta.put("stfpm.image_size", Integer.toString(config.imageSize()));
        meta.put("stfpm.input", form == InputForm.TENSOR
                ? INPUT + ": float32 [N, 3, S, S], RGB scaled to [0, 1], resized, then (x - mean) / std per channel"
                : IMAGE + ": uint8 [N, H, W, 3], RGB (the graph scales, resizes and normalises)");
        meta.put("stfpm.channel_order", "RGB");
        meta.put("stfpm.resize", "antialiased bilinear to S x S (triangle filter widened by the reduction factor, "
                + "half-pixel centres, weights normalised, computed on [0, 1] floats): Pillow's Image.resize(BILINEAR) "
                + "and torchvision's resize(antialias=True), without rounding to 8 bits; ONNX Resize(mode=linear, antialias=1)");
        meta.put("stfpm.mean", floats(ImagePreprocessor.IMAGENET_MEAN));
        meta.put("stfpm.std", floats(ImagePreprocessor.IMAGENET_STD));
        meta.put("stfpm.pyramid_levels", String.join(",", config.pyramidLevels()));
        meta.put("stfpm.teacher_sha256", model.history().teacherSha256());
        meta.put(META_CONFIG, json(config));
        meta.put(META_HISTORY, json(model.history()));
        Optional<AnomalyCalibration> c = model.calibration();
        c.ifPresent(cal -> {
            meta.put("stfpm.image_threshold", Double.toString(cal.imageThreshold()));
            meta.put("stfpm.pixel_threshold", Double.toString(cal.pixelThreshold()));
            meta.put("stfpm.normalisation_min", Double.toString(cal.min()));
            meta.put("stfpm.normalisation_max", Double.toString(cal.max()));
            meta.put(META_CALIBRATION, json(cal));
        });
        return meta;
    }

    private static String tensorInput(OnnxGraphBuilder g, int s) {
        g.input(INPUT, TensorProto.DataType.FLOAT_VALUE, "N", 3L, (long) s, (long) s);
        return INPUT;
    }

    /** uint8 NHWC of any size → what {@code ImagePreprocessor} produces: [0, 1], resized, normalised, NCHW. */
    private static String preprocessedImage(OnnxGraphBuilder g, int s) {
        g.input(IMAGE, TensorProto.DataType.UINT8_VALUE, "N", "H", "W", 3L);
        String x = g.node("Cast", "image.float", new String[] {IMAGE}, Attr.integer("to", TensorProto.DataType.FLOAT_VALUE));
        x = g.node("Transpose", "image.nchw", new String[] {x}, Attr.ints("perm", 0, 3, 1, 2));
        x = g.op("Mul", "image.unit", x, g.scalar("one_over_255", 1f / 255));
        String batchAndChannels = g.op("Slice", "image.nc", g.op("Shape", "image.shape", x), g.longs("zero", 0), g.longs("two", 2));
        String sizes = g.node("Concat", "image.sizes", new String[] {batchAndChannels, g.longs("size", s, s)},
                Attr.integer("axis", 0));
        x = g.node("Resize", "image.resized", new String[] {x, "", "", sizes}, Attr.string("mode", "linear"),
                Attr.integer("antialias", 1), Attr.integer("exclude_outside", 1),
                Attr.string("coordinate_transformation_mode", "half_pixel"));
        float[] inverseStd = new float[3];
        for (int c = 0; c < 3; c++) {
            inverseStd[c] = 1f / ImagePreprocessor.IMAGENET_STD[c];
        }
        x = g.op("Sub", "image.centred", x, g.floats("mean", ImagePreprocessor.IMAGENET_MEAN, 1, 3, 1, 1));
        return g.op("Mul", "image.normalised", x, g.floats("inverse_std", inverseStd, 1, 3, 1, 1));
    }

    /** One network's ResNet-18 trunk up to the deepest configured level; returns the levels' outputs. */
    private static List<String> trunk(OnnxGraphBuilder g, String net, TeacherWeights w, StfpmConfig config, String input) {
        Trunk b = new Trunk(g, net, w);
        String x = g.op("Relu", net + "/relu", b.conv("conv1", input, 2, 3));
        x = g.node("MaxPool", net + "/maxpool", new String[] {x}, Attr.ints("kernel_shape", 3, 3),
                Attr.ints("strides", 2, 2), Attr.ints("pads", 1, 1, 1, 1));
        int stages = StfpmConfig.ALL_LEVELS.indexOf(config.pyramidLevels().get(config.pyramidLevels().size() - 1)) + 1;
        List<String> levels = new ArrayList<>();
        for (int stage = 1; stage <= stages; stage++) {
            int stride = stage == 1 ? 1 : 2;
            x = b.basicBlock("layer" + stage + ".0", x, stride);
            x = b.basicBlock("layer" + stage + ".1", x, 1);
            if (config.pyramidLevels().contains("layer" + stage)) {
                levels.add(x);
            }
        }
        return levels;
    }

    /** Convolutions and basic blocks of one network, named {@code <net>/<torchvision name>}. */
    private record Trunk(OnnxGraphBuilder g, String net, TeacherWeights w) {

        String conv(String name, String in, int stride, int pad) {
            ConvWeights c = w.conv(name);
            String weight = g.floats(net + "/" + name + ".weight", c.weight(), c.outChannels(), c.inChannels(),
                    c.kernelH(), c.kernelW());
            String bias = g.floats(net + "/" + name + ".bias", c.bias(), c.outChannels());
            return g.node("Conv", net + "/" + name, new String[] {in, weight, bias},
                    Attr.ints("kernel_shape", c.kernelH(), c.kernelW()), Attr.ints("strides", stride, stride),
                    Attr.ints("pads", pad, pad, pad, pad));
        }

        /** torchvision's BasicBlock. */
        String basicBlock(String prefix, String in, int stride) {
            String x = g.op("Relu", net + "/" + prefix + ".relu1", conv(prefix + ".conv1", in, stride, 1));
            x = conv(prefix + ".conv2", x, 1, 1);
            String shortcut = w.convs().containsKey(prefix + ".downsample.0")
                    ? conv(prefix + ".downsample.0", in, stride, 0) : in;
            return g.op("Relu", net + "/" + prefix, g.op("Add", net + "/" + prefix + ".add", x, shortcut));
        }
    }

    /** Eq. 1 at every position of one level: {@code [N, 1, H, W]}. */
    private static String distance(OnnxGraphBuilder g, String level, String teacher, String student) {
        String diff = g.op("Sub", "eq1." + level + ".diff", normalised(g, "eq1." + level + ".teacher", teacher),
                normalised(g, "eq1." + level + ".student", student));
        String squares = g.node("ReduceSum", "eq1." + level + ".sum", new String[] {
            g.op("Mul", "eq1." + level + ".squares", diff, diff), g.longs("axis.channel", CHANNELS)},
                Attr.integer("keepdims", 1));
        return g.op("Mul", "eq1." + level, squares, g.scalar("half", 0.5f)); // Eq. 1
    }

    /** {@code x / max(‖x‖, ε)} over the channels, as {@link FeatureDistance}. */
    private static String normalised(OnnxGraphBuilder g, String stem, String x) {
        String norm = g.node("ReduceL2", stem + ".norm", new String[] {x, g.longs("axis.channel", CHANNELS)},
                Attr.integer("keepdims", 1));
        String bounded = g.op("Max", stem + ".norm_eps", norm, g.scalar("eps", (float) FeatureDistance.EPS));
        return g.op("Div", stem + ".normalised", x, bounded);
    }

    /** Bilinear upsampling of one level's {@code [N, 1, H, W]} distances to {@code [N, 1, S, S]}. */
    private static String upsampled(OnnxGraphBuilder g, String level, String distance, int size) {
        String batchAndChannel = g.op("Slice", "upsampled." + level + ".n1",
                g.op("Shape", "upsampled." + level + ".shape", distance), g.longs("zero", 0), g.longs("two", 2));
        String sizes = g.node("Concat", "upsampled." + level + ".sizes",
                new String[] {batchAndChannel, g.longs("size", size, size)}, Attr.integer("axis", 0));
        return g.node("Resize", "upsampled." + level, new String[] {distance, "", "", sizes},
                Attr.string("mode", "linear"), Attr.string("coordinate_transformation_mode", "half_pixel"));
    }

    private static String floats(float[] values) {
        StringBuilder b = new StringBuilder();
        for (float v : values) {
            b.append(b.length() == 0 ? "" : ",").append(v);
        }
        return b.toString();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
