package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Compatibility shim for Deeplearning4j 1.0.0-M2.1, kept only because that release's
 * {@code BaseMKLDNNHelper.mklDnnEnabled()} looks up this class by its pre-M2 name
 * ({@code org.nd4j.nativeblas.Nd4jCpu$Environment}) to ask whether oneDNN is usable; the class
 * moved to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu}, so without this shim the check
 * fails and every convolution and batch norm layer falls back to slow built-in code.
 * {@link dev.stfpm.nn.OneDnn} explains the whole workaround.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {
    }

    /** The old environment singleton, answering from the relocated native one. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();
        private static final String RELOCATED = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

        private Environment() {
        }

        /** @return the singleton */
        public static Environment getInstance() {
            return INSTANCE;
        }

        /** @return whether the loaded CPU backend was built with oneDNN and allows helpers */
        public boolean isUseMKLDNN() {
            try {
                Class<?> env = Class.forName(RELOCATED);
                Object native_ = env.getMethod("getInstance").invoke(null);
                Method onednn = env.getMethod("isUseONEDNN");
                Method helpers = env.getMethod("helpersAllowed");
                return (Boolean) onednn.invoke(native_) && (Boolean) helpers.invoke(native_);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
