package dev.stfpm.nn.onnx;

import dev.stfpm.nn.ConvWeights;
import dev.stfpm.nn.TeacherWeights;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plain-Java forward pass of the ResNet-18 trunk (one image, CHW, folded batch norm) from
 * imported weights: torchvision's semantics written out by hand, for comparison with ONNX Runtime.
 */
final class ReferenceResNet {

    private ReferenceResNet() {
    }

    /** A feature map: channels × height × width, flattened C-order. */
    record Map3(int c, int h, int w, float[] v) {
    }

    /** @return {@code layer1}, {@code layer2}, {@code layer3} */
    static Map<String, Map3> forward(TeacherWeights tw, Map3 x) {
        Map3 y = relu(conv(x, tw.conv("conv1"), 2, 3));
        y = maxPool(y);
        Map<String, Map3> out = new LinkedHashMap<>();
        for (int s = 1; s <= 3; s++) {
            for (int b = 0; b < 2; b++) {
                String p = "layer" + s + "." + b;
                int stride = s > 1 && b == 0 ? 2 : 1;
                Map3 r = relu(conv(y, tw.conv(p + ".conv1"), stride, 1));
                r = conv(r, tw.conv(p + ".conv2"), 1, 1);
                Map3 shortcut = stride == 2 ? conv(y, tw.conv(p + ".downsample.0"), 2, 0) : y;
                float[] sum = new float[r.v().length];
                for (int i = 0; i < sum.length; i++) {
                    sum[i] = r.v()[i] + shortcut.v()[i];
                }
                y = relu(new Map3(r.c(), r.h(), r.w(), sum));
            }
            out.put("layer" + s, y);
        }
        return out;
    }

    /** Cross-correlation with zero padding, as ONNX Conv and PyTorch compute it. */
    static Map3 conv(Map3 x, ConvWeights cw, int stride, int pad) {
        int k = cw.kernelH();
        int oh = (x.h() + 2 * pad - k) / stride + 1;
        int ow = (x.w() + 2 * pad - cw.kernelW()) / stride + 1;
        float[] out = new float[cw.outChannels() * oh * ow];
        float[] in = x.v();
        for (int o = 0; o < cw.outChannels(); o++) {
            int obase = o * oh * ow;
            for (int i = 0; i < oh * ow; i++) {
                out[obase + i] = cw.bias()[o];
            }
            for (int c = 0; c < cw.inChannels(); c++) {
                int ibase = c * x.h() * x.w();
                for (int kh = 0; kh < k; kh++) {
                    for (int kw = 0; kw < cw.kernelW(); kw++) {
                        float wv = cw.weight()[((o * cw.inChannels() + c) * k + kh) * cw.kernelW() + kw];
                        for (int oy = 0; oy < oh; oy++) {
                            int iy = oy * stride - pad + kh;
                            if (iy < 0 || iy >= x.h()) {
                                continue;
                            }
                            int row = ibase + iy * x.w();
                            int orow = obase + oy * ow;
                            for (int ox = 0; ox < ow; ox++) {
                                int ix = ox * stride - pad + kw;
                                if (ix >= 0 && ix < x.w()) {
                                    out[orow + ox] += wv * in[row + ix];
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Map3(cw.outChannels(), oh, ow, out);
    }

    static Map3 relu(Map3 x) {
        float[] v = x.v().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0f, v[i]);
        }
        return new Map3(x.c(), x.h(), x.w(), v);
    }

    /** 3×3, stride 2, padding 1 (padding never wins). */
    static Map3 maxPool(Map3 x) {
        int oh = (x.h() + 2 - 3) / 2 + 1;
        int ow = (x.w() + 2 - 3) / 2 + 1;
        float[] out = new float[x.c() * oh * ow];
        for (int c = 0; c < x.c(); c++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int dy = 0; dy < 3; dy++) {
                        for (int dx = 0; dx < 3; dx++) {
                            int iy = oy * 2 - 1 + dy;
                            int ix = ox * 2 - 1 + dx;
                            if (iy >= 0 && iy < x.h() && ix >= 0 && ix < x.w()) {
                                m = Math.max(m, x.v()[(c * x.h() + iy) * x.w() + ix]);
                            }
                        }
                    }
                    out[(c * oh + oy) * ow + ox] = m;
                }
            }
        }
        return new Map3(x.c(), oh, ow, out);
    }
}
