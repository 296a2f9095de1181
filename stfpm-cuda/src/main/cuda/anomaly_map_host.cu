/*
 * The host check: the anomaly map computed on the CPU by the same __host__ __device__ functions
 * the kernels run (anomaly_map.cuh), so that a machine without a GPU can compare them with
 * dev.stfpm.nn.AnomalyMap (AnomalyMapHostCheckTest).
 *
 *   anomaly-map-host SIZE MAPS.npy SCORES.npy TEACHER_1.npy STUDENT_1.npy [TEACHER_2.npy STUDENT_2.npy ...]
 *
 * reads each level's [N, C, H, W] features (little-endian float32 .npy, C order) and writes the
 * [N, SIZE, SIZE] maps and the [N] scores (each map's maximum) as float32 .npy.
 */
#include "anomaly_map.cuh"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Array {
    std::vector<int> shape;
    std::vector<float> data;
};

[[noreturn]] void fail(const std::string &message) {
    std::fprintf(stderr, "anomaly-map-host: %s\n", message.c_str());
    std::exit(2);
}

/* Reads a little-endian float32, C-order .npy file of format 1.0, as dev.stfpm.core.io.Npy writes them. */
Array read_npy(const char *path) {
    FILE *f = std::fopen(path, "rb");
    if (!f) fail(std::string("cannot open ") + path);
    unsigned char prefix[10];
    if (std::fread(prefix, 1, 10, f) != 10 || std::memcmp(prefix, "\x93NUMPY\x01", 7) != 0) {
        fail(std::string(path) + ": not a .npy file of format 1.0");
    }
    size_t header_length = prefix[8] | prefix[9] << 8;
    std::string header(header_length, ' ');
    if (std::fread(&header[0], 1, header_length, f) != header_length) fail(std::string(path) + ": truncated header");
    if (header.find("'descr': '<f4'") == std::string::npos || header.find("'fortran_order': False") == std::string::npos) {
        fail(std::string(path) + ": expected little-endian float32 in C order, header " + header);
    }
    Array a;
    size_t open = header.find("'shape': (");
    if (open == std::string::npos) fail(std::string(path) + ": no shape in " + header);
    size_t count = 1;
    for (const char *p = header.c_str() + open + 10; *p != ')';) {
        char *end;
        long dim = std::strtol(p, &end, 10);
        if (end == p) break;
        a.shape.push_back((int) dim);
        count *= dim;
        p = end;
        while (*p == ',' || *p == ' ') p++;
    }
    a.data.resize(count);
    if (std::fread(a.data.data(), sizeof(float), count, f) != count) fail(std::string(path) + ": truncated data");
    std::fclose(f);
    return a;
}

/* Writes a little-endian float32 .npy file (format 1.0), header padded to 64 bytes as NumPy does. */
void write_npy(const char *path, const std::vector<int> &shape, const std::vector<float> &data) {
    std::string dims;
    for (int d : shape) dims += std::to_string(d) + ", ";
    if (shape.size() > 1) dims.resize(dims.size() - 2); else dims.resize(dims.size() - 1);
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ').push_back('\n');
    FILE *f = std::fopen(path, "wb");
    if (!f) fail(std::string("cannot write ") + path);
    unsigned char prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char) (header.size() & 0xff),
                                (unsigned char) (header.size() >> 8)};
    std::fwrite(prefix, 1, 10, f);
    std::fwrite(header.data(), 1, header.size(), f);
    std::fwrite(data.data(), sizeof(float), data.size(), f);
    if (std::fclose(f) != 0) fail(std::string("cannot write ") + path);
}

}  // namespace

int main(int argc, char **argv) {
    if (argc < 6 || (argc - 4) % 2 != 0 || (argc - 4) / 2 > STFPM_MAX_LEVELS) {
        fail("usage: anomaly-map-host SIZE MAPS.npy SCORES.npy TEACHER_1.npy STUDENT_1.npy [...] (1 to 4 levels)");
    }
    int size = std::atoi(argv[1]);
    Pyramid pyramid = {(argc - 4) / 2, 0, {}, {}};
    std::vector<Array> teacher, student;
    for (int l = 0; l < pyramid.levels; l++) {
        teacher.push_back(read_npy(argv[4 + 2 * l]));
        student.push_back(read_npy(argv[5 + 2 * l]));
        const std::vector<int> &shape = teacher[l].shape;
        if (shape.size() != 4 || shape != student[l].shape || shape[0] != teacher[0].shape[0]) {
            fail("level " + std::to_string(l) + ": teacher and student features must both be [N, C, H, W]");
        }
        pyramid.height[l] = shape[2];
        pyramid.width[l] = shape[3];
        pyramid.positions += shape[2] * shape[3];
    }
    int images = teacher[0].shape[0];
    std::vector<double> distances((size_t) images * pyramid.positions);
    for (int i = 0; i < images; i++) {
        int offset = 0;
        for (int l = 0; l < pyramid.levels; l++) {
            int channels = teacher[l].shape[1];
            int positions = pyramid.height[l] * pyramid.width[l];
            for (int p = 0; p < positions; p++) {
                long long features = (long long) i * channels * positions + p;
                distances[(size_t) i * pyramid.positions + offset + p] = feature_distance(
                        teacher[l].data.data() + features, student[l].data.data() + features, channels, positions);
            }
            offset += positions;
        }
    }
    std::vector<float> maps((size_t) images * size * size);
    std::vector<float> scores(images);
    for (int i = 0; i < images; i++) {
        float score = 0;
        for (int pixel = 0; pixel < size * size; pixel++) {
            float value = anomaly_pixel(distances.data() + (size_t) i * pyramid.positions, pyramid, size,
                                        pixel / size, pixel % size);
            maps[(size_t) i * size * size + pixel] = value;
            score = std::fmax(score, value);
        }
        scores[i] = score;
    }
    write_npy(argv[2], {images, size, size}, maps);
    write_npy(argv[3], {images}, scores);
    return 0;
}
