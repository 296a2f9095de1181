/**
 * What stfpm-nn does only because it runs on Deeplearning4j and ND4J 1.0.0-M2.1, behind one entry
 * point, {@link dev.stfpm.nn.dl4j.Dl4jWorkarounds}. The method itself (the ResNet-18 trunk, the
 * feature pyramids, Eq. 1–4, training and the model) is in {@code dev.stfpm.nn}, which calls this
 * package; this package never calls back. None of these workarounds changes what a network
 * computes beyond floating-point rounding; each makes it faster, leaner or quieter, or supplies what
 * Deeplearning4j lacks.
 *
 * <table>
 *   <caption>The workarounds</caption>
 *   <tr><th>class</th><th>what for</th><th>when it can go</th></tr>
 *   <tr><td>{@code OneDnn}, with the shim {@code org.nd4j.nativeblas.Nd4jCpu}</td>
 *       <td>Deeplearning4j's layers never use oneDNN as shipped: layer helpers are off unless
 *       {@code org.eclipse.deeplearning4j.helpers.disable=false}, and the availability check
 *       reflects on a class that has moved. Without both fixes convolutions run as im2col + GEMM,
 *       about seven times slower.</td>
 *       <td>When a release enables helpers by default and finds the relocated class: then
 *       {@code enableOneDnn()} and the shim go (the shim's Javadoc says how to check).</td></tr>
 *   <tr><td>{@code BatchNormHelper}</td>
 *       <td>The oneDNN batch norm helper computes batch statistics, and libnd4j's
 *       {@code batchnorm_bp} the gradient's correction terms, with strided reductions: about a
 *       quarter of a training step. This helper computes the same quantities with contiguous
 *       ones and keeps the normalisation on oneDNN.</td>
 *       <td>When Deeplearning4j's own training-mode batch norm is as fast (compare a training
 *       epoch without {@code installBatchNormHelper}; {@code BatchNormHelperTest} shows both
 *       compute the same).</td></tr>
 *   <tr><td>{@code OneDnnConvolution}</td>
 *       <td>libnd4j's {@code conv2d_bp} asks oneDNN for Winograd at batches of 16 and more (about ten
 *       times slower than the direct algorithm on layer2's and layer3's shapes), computes the unused
 *       gradient of the input image, and allocates every layout-converted copy afresh; together about
 *       half of a training step. This helper calls oneDNN's primitives directly (JavaCPP's
 *       {@code org.bytedeco:dnnl}) with the direct algorithm and buffers it keeps. It also hands
 *       the backward pass the forward output it asks for again, where Deeplearning4j would
 *       convolve a second time or keep a copy of every output ({@code CacheMode}). In networks that
 *       never train it runs the 3×3 convolutions with stride 1 forward by Winograd's algorithm (about
 *       twice as fast) on weights it converts once.</td>
 *       <td>When libnd4j's convolutions train as fast (compare a training step with and without
 *       {@code installOneDnnConvolution}; {@code OneDnnConvolutionTest} shows both compute the
 *       same as Deeplearning4j's built-in code).</td></tr>
 *   <tr><td>{@code BlockedStages}</td>
 *       <td>Deeplearning4j's arrays have no blocked layout, so every convolution of the stages converted
 *       its input from channels-first into oneDNN's blocked layout and its output back: 28 conversions a
 *       call, about a sixth of oneDNN's time in a network at batch 1. In the networks that never train the
 *       stages keep the blocked layout in arrays shaped channels-first, from the stem's conversion to the
 *       network's outputs, which {@code Dl4jWorkarounds.output} converts.</td>
 *       <td>When Deeplearning4j's convolution layers can hand oneDNN's layouts from one to the next.</td></tr>
 *   <tr><td>{@code WorkspaceLearning}</td>
 *       <td>Deeplearning4j's per-layer workspaces learn their size over as many cycles as the network has
 *       vertices, and allocate every array afresh until then: the teacher's first four calls at batch 32
 *       (most of caching its features) took more than twice their warm time. They now take their size
 *       after one cycle.</td>
 *       <td>When Deeplearning4j's workspaces size themselves in the first call.</td></tr>
 *   <tr><td>{@code InPlaceRelu}</td>
 *       <td>Deeplearning4j's {@code ActivationLayer} copies its input in training and again in the
 *       backward pass; this ReLU overwrites its input, as torchvision's ResNet does (352 MiB less at
 *       batch 32 and 256 px), and in inference writes its output where Deeplearning4j would first copy the
 *       input.</td>
 *       <td>When Deeplearning4j has an in-place activation layer.</td></tr>
 *   <tr><td>{@code ChannelsFirst}</td>
 *       <td>oneDNN's max pooling is about seven times slower on channels-first data, while the
 *       stages train faster channels-first; the stem therefore runs channels-last and this
 *       preprocessor converts once, after the max pooling.</td>
 *       <td>When max pooling is as fast channels-first (then the whole trunk runs NCHW) or the
 *       stages train as fast channels-last (then it runs NHWC).</td></tr>
 *   <tr><td>{@code SgdMomentum}</td>
 *       <td>Deeplearning4j ships only Nesterov momentum; the paper trains with PyTorch's
 *       classical momentum.</td>
 *       <td>When Deeplearning4j has classical momentum with the same update
 *       ({@code v ← μ·v + g}, {@code θ ← θ − lr·v}).</td></tr>
 *   <tr><td>{@code NativeMemory}</td>
 *       <td>ND4J frees arrays' off-heap memory only when their Java objects are collected, which
 *       on a small heap lets gigabytes of finished batches pile up, and leaves its layers' temporaries to
 *       a collection that a small heap seldom needs; and reading a view's values
 *       into Java needs a row-major copy first. Closing a network frees its memory without the two
 *       full collections ({@code System.gc()}) that {@code ComputationGraph.close()} runs.</td>
 *       <td>Not while ND4J is the array library: this is how ND4J manages memory. The closing part
 *       when {@code close()} no longer collects.</td></tr>
 *   <tr><td>{@code SameDiffConsole}</td>
 *       <td>SameDiff prints about 30 lines to {@code System.out} when it first differentiates the
 *       loss layers; logging settings cannot silence a {@code println}.</td>
 *       <td>When SameDiff logs instead of printing.</td></tr>
 * </table>
 *
 * <p>Only {@code Dl4jWorkarounds} is meant to be called. {@code SgdMomentum},
 * {@code InPlaceRelu} and {@code ChannelsFirst} are public, with no-argument constructors, only because Deeplearning4j's
 * JSON configuration names updaters, layers and preprocessors by class and creates them reflectively; the
 * other classes are package-private. docs/DESIGN.md ("oneDNN on CPU", "Memory of a step", "Memory") has the
 * measurements behind each.
 */
package dev.stfpm.nn.dl4j;
