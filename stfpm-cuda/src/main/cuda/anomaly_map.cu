/*
 * The anomaly map's CUDA kernels. They only map threads to feature positions and pixels; the
 * arithmetic is in anomaly_map.cuh, which the host check runs on the CPU. Launched by
 * dev.stfpm.cuda.CudaAnomalyMap: grids of (blocks covering the positions or pixels) x (images),
 * blocks of a multiple of 32 threads.
 */
#include "anomaly_map.cuh"

/*
 * Eq. 1 at every position of one level, for every image (blockIdx.y): into the level's slice,
 * starting at `offset`, of each image's `pyramid_positions` distances.
 */
extern "C" __global__ void feature_distances(const float *teacher, const float *student, int channels,
                                             int positions, double *distances, int offset, int pyramid_positions) {
    int image = blockIdx.y;
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    if (p < positions) {
        long long features = (long long) image * channels * positions + p;
        distances[(long long) image * pyramid_positions + offset + p] =
                feature_distance(teacher + features, student + features, channels, positions);
    }
}

/*
 * Eq. 4 at every pixel of every image's S x S map (blockIdx.y is the image), and each image's
 * score, the map's maximum: each warp's maximum goes to `scores` (zeroed before the launch) with an
 * atomic maximum on the float's bits, which order non-negative floats as their values.
 */
extern "C" __global__ void anomaly_maps(const double *distances, Pyramid pyramid, int size, float *maps,
                                        unsigned int *scores) {
    int image = blockIdx.y;
    int pixel = blockIdx.x * blockDim.x + threadIdx.x;
    float value = 0;
    if (pixel < size * size) {
        value = anomaly_pixel(distances + (long long) image * pyramid.positions, pyramid, size, pixel / size, pixel % size);
        maps[(long long) image * size * size + pixel] = value;
    }
    for (int lane = 16; lane > 0; lane /= 2) {
        value = fmaxf(value, __shfl_down_sync(0xffffffffu, value, lane));
    }
    if (threadIdx.x % 32 == 0) {
        atomicMax(scores + image, __float_as_uint(value));
    }
}
