/*
 * The arithmetic of the anomaly map, Eq. 1 and Eq. 4 of the paper, as __host__ __device__
 * functions: the kernels (anomaly_map.cu) run them on the GPU, the host check
 * (anomaly_map_host.cu) on the CPU, so that a machine without a GPU tests the same code.
 * It mirrors dev.stfpm.nn.FeatureDistance and dev.stfpm.nn.AnomalyMap, in double precision as they
 * compute; features are [N, C, H, W] float32 per level, maps [N, S, S] float32.
 */
#ifndef STFPM_ANOMALY_MAP_CUH
#define STFPM_ANOMALY_MAP_CUH

#include <math.h>

/* The most pyramid levels a map multiplies: layer1 ... layer4 of ResNet-18. */
#define STFPM_MAX_LEVELS 4

/* FeatureDistance.EPS: lower bound of a feature vector's norm, as in PyTorch's F.normalize. */
#define STFPM_EPS 1e-12

/*
 * The feature maps' sizes, passed to the map kernel by value: level l is height[l] x width[l]
 * positions, and one image's distances are the levels' maps one after another, `positions` in all.
 * Plain ints only, so that the host (Java) lays it out as an int array with no padding.
 */
struct Pyramid {
    int levels;
    int positions;
    int height[STFPM_MAX_LEVELS];
    int width[STFPM_MAX_LEVELS];
};

/* 1 / max(||x||, EPS), from ||x||^2. */
__host__ __device__ inline double inverse_norm(double squared_norm) {
    return 1.0 / fmax(sqrt(squared_norm), STFPM_EPS);
}

/*
 * Eq. 1 at one feature position: 1/2 || t/||t|| - s/||s|| ||^2 over the channels, where the channel
 * vectors t and s are read with a stride of `positions` (NCHW). Expanded as
 * 1/2 (a^2 t.t + b^2 s.s - 2ab t.s), a = 1/max(||t||, EPS), b = 1/max(||s||, EPS), so that every
 * feature is read from memory once; the sums are double, as FeatureDistance's, and rounding that
 * would leave a parallel pair a hair below zero is clamped (a squared distance is never negative).
 */
__host__ __device__ inline double feature_distance(const float *t, const float *s, int channels, int positions) {
    double tt = 0, ss = 0, ts = 0;
    for (int c = 0; c < channels; c++) {
        double x = t[(long long) c * positions];
        double y = s[(long long) c * positions];
        tt += x * x;
        ss += y * y;
        ts += x * y;
    }
    double a = inverse_norm(tt);
    double b = inverse_norm(ss);
    return fmax(0.5 * (a * a * tt + b * b * ss - 2 * a * b * ts), 0.0); /* Eq. 1 */
}

/* Where one output sample reads along one axis: between `low` and `high`, `frac` of the way. */
struct Sample {
    int low;
    int high;
    double frac;
};

/*
 * Bilinear sampling with half-pixel centres (PyTorch's align_corners=False), as AnomalyMap's
 * Resampling: output o of `out` reads input (o + 1/2) in/out - 1/2 of `in`, clamped at 0.
 */
__host__ __device__ inline Sample bilinear_sample(int o, int in, int out) {
    double src = fmax(0.0, (o + 0.5) * ((double) in / out) - 0.5);
    Sample s;
    s.low = (int) src < in - 1 ? (int) src : in - 1;
    s.high = s.low + 1 < in - 1 ? s.low + 1 : in - 1;
    s.frac = src - s.low;
    return s;
}

/*
 * Eq. 4 at pixel (y, x) of an S x S map: the product over the levels of each level's distance map
 * (Eq. 1), bilinearly upsampled.
 *
 * distances: one image's distances, the levels' H x W maps one after another (Pyramid)
 */
__host__ __device__ inline float anomaly_pixel(const double *distances, const Pyramid &pyramid, int size, int y, int x) {
    double product = 1;
    const double *d = distances;
#pragma unroll
    for (int l = 0; l < STFPM_MAX_LEVELS && l < pyramid.levels; l++) {
        int w = pyramid.width[l];
        Sample row = bilinear_sample(y, pyramid.height[l], size);
        Sample col = bilinear_sample(x, w, size);
        const double *r0 = d + row.low * w;
        const double *r1 = d + row.high * w;
        double top = r0[col.low] + col.frac * (r0[col.high] - r0[col.low]);
        double bottom = r1[col.low] + col.frac * (r1[col.high] - r1[col.low]);
        product *= top + row.frac * (bottom - top); /* Eq. 4 */
        d += pyramid.height[l] * w;
    }
    return (float) product;
}

#endif
