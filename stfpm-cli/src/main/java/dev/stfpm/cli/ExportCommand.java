package dev.stfpm.cli;

import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.onnx.OnnxExporter;
import dev.stfpm.nn.onnx.OnnxExporter.InputForm;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stfpm export}: the whole inference of a trained model as one ONNX graph. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a trained model's whole inference as one ONNX graph (opset " + OnnxExporter.OPSET + "): "
                + "teacher and student, Eq. 1, upsampling, Eq. 4 and the score. Outputs: anomaly_map float32 [N,S,S], "
                + "score float32 [N].",
            "Input 'input': float32 [N,3,S,S], RGB resized to S x S and ImageNet-normalised (what the model's networks "
                    + "take); with --with-preprocessing, input 'image': uint8 [N,H,W,3] RGB of any size, resized and "
                    + "normalised by the graph.",
            "The file's metadata carry the preprocessing, the model's settings and provenance, and its thresholds: "
                    + "docs/DEPLOY.md."})
final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "model file written by 'stfpm train'")
    Path model;

    @Option(names = "--out", required = true, description = "the .onnx file to write (replaced if it exists)")
    Path out;

    @Option(names = "--with-preprocessing",
            description = "take uint8 RGB images of any size [N,H,W,3] and resize and normalise them in the graph")
    boolean withPreprocessing;

    @Override
    public Integer call() throws IOException {
        OutputFiles.refuseSame(out, model, "--model");
        InputForm form = withPreprocessing ? InputForm.IMAGE : InputForm.TENSOR;
        try (StfpmModel m = StfpmModel.load(model)) {
            OnnxExporter.write(m, form, out);
            int s = m.config().imageSize();
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.printf("wrote %s (%.1f MB, ONNX opset %d): input %s, outputs %s float32 [N,%d,%d] and %s float32 [N]%n",
                    out, Files.size(out) / 1e6, OnnxExporter.OPSET,
                    form == InputForm.TENSOR ? OnnxExporter.INPUT + " float32 [N,3," + s + "," + s + "]"
                            : OnnxExporter.IMAGE + " uint8 [N,H,W,3]", OnnxExporter.MAP, s, s, OnnxExporter.SCORE);
            stdout.println(m.calibration().map(c -> "thresholds in its metadata: image " + c.imageThreshold() + ", pixel "
                    + c.pixelThreshold()).orElse("no thresholds: the model is not calibrated ('stfpm test --save-calibration')"));
            stdout.flush();
        }
        return 0;
    }
}
