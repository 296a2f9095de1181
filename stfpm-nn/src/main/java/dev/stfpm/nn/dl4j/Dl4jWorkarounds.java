package dev.stfpm.nn.dl4j;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The one entry point to what the network code of {@code dev.stfpm.nn} does only because it runs on
 * Deeplearning4j and ND4J 1.0.0-M2.1: switching oneDNN on, faster convolutions and batch norm, classical momentum,
 * a layout change between the stem and the stages, workspaces that take their size at once, freeing off-heap
 * memory early, and keeping
 * SameDiff's console output off the console. None of it changes what the networks compute; the
 * package documentation says what each workaround is for and when it can go.
 *
 * <p>When to call what, while building and running a network:
 *
 * <ol>
 *   <li>{@link #enableOneDnn()} before a network is built;</li>
 *   <li>{@link #channelsFirst()}, {@link #relu()} and {@link #sgdMomentum} while configuring it;</li>
 *   <li>{@link #learnWorkspacesInOneCycle} and {@link #installOneDnnConvolution} once a network is
 *       initialised, and {@link #installBatchNormHelper} once a network that trains is;</li>
 *   <li>{@link #output} to run a network in inference mode, {@link #quietly} around the first training
 *       step, {@link #release} on arrays as soon as they are finished with, {@link #freeTemporaries} after
 *       each mini-batch, {@link #toHeap} to read an array's values into Java;</li>
 *   <li>{@link #close} on a network no longer needed.</li>
 * </ol>
 */
public final class Dl4jWorkarounds {

    private Dl4jWorkarounds() {
    }

    /**
     * Makes the layers of networks built afterwards run convolutions, pooling and batch norm on
     * oneDNN (about seven times faster than Deeplearning4j's built-in im2col code), unless the user
     * set the system property {@code org.eclipse.deeplearning4j.helpers.disable} themselves. Idempotent.
     */
    public static void enableOneDnn() {
        OneDnn.enable();
    }

    /**
     * @param graph an initialised network
     * @return whether its convolutions run on a layer helper (oneDNN on CPU, cuDNN on CUDA)
     */
    public static boolean isOneDnnActive(ComputationGraph graph) {
        return OneDnn.isActive(graph);
    }

    /**
     * Stochastic gradient descent with classical (heavy-ball) momentum, PyTorch's {@code optim.SGD}
     * and the paper's optimiser: {@code v ← μ·v + g}, {@code θ ← θ − lr·v}. Deeplearning4j ships
     * only Nesterov momentum.
     *
     * @param learningRate the (constant) step size
     * @param momentum     the momentum factor μ
     * @return the updater, for {@code NeuralNetConfiguration.Builder.updater}
     */
    public static IUpdater sgdMomentum(double learningRate, double momentum) {
        return new SgdMomentum(learningRate, momentum);
    }

    /**
     * @return a ReLU layer that overwrites its input with its output (one stored tensor less per ReLU in
     *         training); only for an input that no other layer reads
     */
    public static Layer relu() {
        return new InPlaceRelu();
    }

    /**
     * @return a preprocessor that turns channels-last activations ({@code [N, H, W, C]}) into
     *         channels-first ones ({@code [N, C, H, W]}) and their gradients back, to run a
     *         network's stem in the layout where oneDNN's max pooling is fast and the rest in the
     *         one where training is fast
     */
    public static InputPreProcessor channelsFirst() {
        return new ChannelsFirst();
    }

    /**
     * Lets a network's per-layer workspaces take their size after one cycle instead of after as many as
     * the network has vertices, during which every array they would hold is fresh memory: the teacher's
     * first four calls at batch 32, which cache most of its features for training, in about half the time.
     * The workspaces end at the same sizes.
     *
     * @param graph a network, before its first forward pass
     */
    public static void learnWorkspacesInOneCycle(ComputationGraph graph) {
        WorkspaceLearning.firstLoop(graph);
    }

    /**
     * Gives every batch norm layer of an initialised network that runs on oneDNN a helper that
     * computes the same training-mode statistics and gradients without strided reductions (about a
     * quarter of a training step's time otherwise). Inference is unchanged. Layers without a oneDNN
     * helper keep Deeplearning4j's built-in code.
     *
     * @param graph an initialised network
     * @return how many layers got the helper
     */
    public static int installBatchNormHelper(ComputationGraph graph) {
        return BatchNormHelper.install(graph);
    }

    /**
     * Runs every convolution layer of an initialised network that runs on oneDNN on oneDNN's
     * primitives directly instead of through libnd4j: the backward pass with the direct algorithm
     * instead of Winograd and without the gradient of the network's input image, and every
     * layout-converted copy in buffers that are kept rather than allocated afresh (a training step
     * about twice as fast, inference faster too). The backward pass gets each convolution's forward
     * output back instead of recomputing it, so the networks need no {@code CacheMode} copy of it
     * (they are built with {@code CacheMode.NONE}: 394 MiB less at batch 32). Layers without a oneDNN
     * helper, and every layer where oneDNN's Java bindings cannot be loaded, keep what they have.
     *
     * <p>A frozen network (one that only runs forward, with weights that no longer change once it has
     * run: the teacher, a student with batch norm folded in) also computes its 3×3 convolutions with
     * stride 1 by Winograd's algorithm, about twice as fast, and converts its weights once. Its results
     * then differ from the direct algorithm's by rounding. Where oneDNN prefers a blocked layout, the
     * stages of a frozen network (after the stem's {@link #channelsFirst()}) keep it from one convolution to
     * the next, in arrays shaped channels-first: run such a network with {@link #output}, which converts
     * its outputs, and never train it.
     *
     * @param graph  an initialised network
     * @param frozen whether the network is frozen; changing its weights after its first forward pass is
     *               then not seen by its convolutions
     * @return how many layers got it
     */
    public static int installOneDnnConvolution(ComputationGraph graph, boolean frozen) {
        return OneDnnConvolution.install(graph, frozen);
    }

    /**
     * Runs a network in inference mode. A frozen network's stages may keep oneDNN's blocked layout in
     * arrays shaped channels-first ({@link #installOneDnnConvolution}); its outputs are converted here,
     * so that they are channels-first whatever layout the stages ran in.
     *
     * @param graph the network
     * @param input its input
     * @return its outputs, detached from any workspace, channels-first
     */
    public static INDArray[] output(ComputationGraph graph, INDArray input) {
        INDArray[] out = graph.output(false, input);
        BlockedStages blocked = BlockedStages.of(graph);
        return blocked == null ? out : blocked.toPlain(out);
    }

    /**
     * Frees arrays' off-heap memory now rather than when the garbage collector gets to them (which,
     * on a small heap, may be gigabytes later). Arrays that do not own their buffer (views, workspace
     * arrays) and {@code null}s are left alone.
     *
     * @param arrays arrays no longer needed
     */
    public static void release(INDArray... arrays) {
        NativeMemory.release(arrays);
    }

    /**
     * Frees the off-heap temporaries Deeplearning4j's layers and loss leave behind, which only a garbage
     * collection frees; the small Java heap gives none for a long time. Measured at 10,000 images
     * without it, memory crept from 5.4 to 8.5 GB over one epoch and climbed by about 1 GB every 5 s
     * while validating, until JavaCPP's {@code maxphysicalbytes} forced a collection. Called once per
     * mini-batch (tens of milliseconds against seconds for a step), it keeps memory flat whatever the
     * number of images.
     */
    public static void freeTemporaries() {
        NativeMemory.freeTemporaries();
    }

    /**
     * Frees a network's native memory as {@link ComputationGraph#close()} does (parameters, gradients,
     * updater state, the calling thread's workspaces) without the two {@code System.gc()} calls that
     * method makes: two full collections of the Java heap, 13–36 ms each, for every network closed.
     *
     * @param graph the network; unusable afterwards
     */
    public static void close(ComputationGraph graph) {
        NativeMemory.close(graph);
    }

    /**
     * @param a an array of any shape and layout
     * @return its values, row-major, as a Java array (without an intermediate copy when the array is
     *         its whole row-major float buffer)
     */
    public static float[] toHeap(INDArray a) {
        return NativeMemory.toHeap(a);
    }

    /**
     * Runs a call with what it prints to {@code System.out} captured and logged at DEBUG instead:
     * SameDiff prints about 30 lines when it first differentiates a loss layer. {@code System.out} is
     * swapped process-wide, for the call's duration only.
     *
     * @param call the call
     */
    public static void quietly(Runnable call) {
        SameDiffConsole.quietly(call);
    }
}
