package dev.stfpm.cuda;

import jcuda.Sizeof;

/**
 * One batch on the device ({@link CudaAnomalyMap#upload}): the teacher's and student's features of
 * every level, and room for the distances, maps and scores the kernels write. Closing it frees them.
 */
public final class DeviceBatch implements AutoCloseable {

    final int images;
    final int[] channels;
    /** The kernels' {@code Pyramid}: levels, positions per image, the levels' heights, their widths. */
    final int[] pyramid;
    final DeviceBuffer[] teacher;
    final DeviceBuffer[] student;
    final DeviceBuffer distances;
    final DeviceBuffer maps;
    final DeviceBuffer scores;

    DeviceBatch(CudaDevice device, int images, int[] channels, int[] pyramid, int size) {
        this.images = images;
        this.channels = channels;
        this.pyramid = pyramid;
        int levels = channels.length;
        teacher = new DeviceBuffer[levels];
        student = new DeviceBuffer[levels];
        for (int l = 0; l < levels; l++) {
            long bytes = (long) images * channels[l] * positions(l) * Sizeof.FLOAT;
            teacher[l] = device.allocate(bytes);
            student[l] = device.allocate(bytes);
        }
        distances = device.allocate((long) images * pyramid[1] * Sizeof.DOUBLE);
        maps = device.allocate((long) images * size * size * Sizeof.FLOAT);
        scores = device.allocate((long) images * Sizeof.INT);
    }

    /** @return the number of images */
    public int images() {
        return images;
    }

    /** @return the feature positions of level {@code l}, its height times its width */
    int positions(int l) {
        return pyramid[2 + l] * pyramid[2 + CudaAnomalyMap.MAX_LEVELS + l];
    }

    @Override
    public void close() {
        for (int l = 0; l < teacher.length; l++) {
            teacher[l].close();
            student[l].close();
        }
        distances.close();
        maps.close();
        scores.close();
    }
}
