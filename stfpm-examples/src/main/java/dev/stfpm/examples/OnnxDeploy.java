package dev.stfpm.examples;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.ByteBuffer;
import java.util.Map;
import javax.imageio.ImageIO;

/** Scores image files with a model exported by `stfpm export --with-preprocessing`: ONNX Runtime and the JDK only. */
public final class OnnxDeploy {

    public static void main(String[] args) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(args[0], new OrtSession.SessionOptions())) {
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            double threshold = Double.parseDouble(meta.getOrDefault("stfpm.image_threshold", "NaN"));
            for (int i = 1; i < args.length; i++) {
                BufferedImage image = ImageIO.read(new File(args[i]));
                int w = image.getWidth();
                int h = image.getHeight();
                byte[] rgb = new byte[h * w * 3]; // uint8 [1, H, W, 3]: the graph resizes and normalises
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int p = image.getRGB(x, y);
                        rgb[(y * w + x) * 3] = (byte) (p >> 16);
                        rgb[(y * w + x) * 3 + 1] = (byte) (p >> 8);
                        rgb[(y * w + x) * 3 + 2] = (byte) p;
                    }
                }
                try (OnnxTensor input = OnnxTensor.createTensor(env, ByteBuffer.wrap(rgb), new long[] {1, h, w, 3},
                        OnnxJavaType.UINT8);
                     OrtSession.Result out = session.run(Map.of("image", input))) {
                    float score = ((float[]) out.get("score").orElseThrow().getValue())[0];
                    String decision = Double.isNaN(threshold) ? "" : score >= threshold ? ", anomalous" : ", normal";
                    System.out.printf("%s: score %.6f%s%n", args[i], score, decision);
                }
            }
        }
    }
}
