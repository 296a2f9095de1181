package dev.stfpm.nn.dl4j;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Stochastic gradient descent with classical (heavy-ball) momentum, as PyTorch's {@code optim.SGD}
 * and the paper use it: {@code v ← μ·v + g}, {@code θ ← θ − lr·v}. Deeplearning4j ships only
 * Nesterov momentum; this keeps training faithful to the paper. Weight decay is configured on the
 * network as L2 regularisation, which Deeplearning4j adds to the gradient before this update, as
 * PyTorch does.
 *
 * <p>Public, with a no-argument constructor, because Deeplearning4j's JSON configuration names
 * updaters by class and creates them reflectively; network code gets one from
 * {@link Dl4jWorkarounds#sgdMomentum}.
 */
public final class SgdMomentum implements IUpdater {

    private double learningRate;
    private double momentum;

    /** For Deeplearning4j's JSON configuration mapper. */
    public SgdMomentum() {
        this(0.4, 0.9);
    }

    /**
     * @param learningRate the step size
     * @param momentum     the momentum factor μ
     */
    public SgdMomentum(double learningRate, double momentum) {
        this.learningRate = learningRate;
        this.momentum = momentum;
    }

    /** @return the momentum factor */
    public double momentum() {
        return momentum;
    }

    @Override
    public long stateSize(long numParams) {
        return numParams;
    }

    @Override
    public GradientUpdater<SgdMomentum> instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater u = new Updater(this);
        u.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater<SgdMomentum> instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
        Updater u = new Updater(this);
        u.setState(state, initializeStateArrays);
        return u;
    }

    @Override
    public SgdMomentum clone() {
        return new SgdMomentum(learningRate, momentum);
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        if (lrSchedule != null) {
            throw new UnsupportedOperationException("SgdMomentum has a constant learning rate, as in the paper");
        }
        this.learningRate = lr;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SgdMomentum s && s.learningRate == learningRate && s.momentum == momentum;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(learningRate) * 31 + Double.hashCode(momentum);
    }

    /** The state and step of one parameter block. */
    private static final class Updater implements GradientUpdater<SgdMomentum> {
        private static final String VELOCITY = "V";
        private final SgdMomentum config;
        private INDArray velocity;

        Updater(SgdMomentum config) {
            this.config = config;
        }

        @Override
        public SgdMomentum getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> state, boolean initialize) {
            velocity = state.get(VELOCITY);
            if (velocity == null) {
                throw new IllegalStateException("SgdMomentum state needs a '" + VELOCITY + "' array, got " + state.keySet());
            }
            if (initialize) {
                velocity.assign(0);
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            return Map.of(VELOCITY, velocity);
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            velocity = viewArray.reshape(gradientOrder, gradientShape);
            if (initialize) {
                velocity.assign(0);
            }
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            velocity.muli(config.momentum).addi(gradient);
            gradient.assign(velocity).muli(config.getLearningRate(iteration, epoch));
        }
    }
}
