package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Compatibility shim for Deeplearning4j 1.0.0-M2.1; not API, and not part of the STFPM method.
 *
 * <p><b>Why it exists.</b> Before a convolution or batch norm layer uses oneDNN, that release's
 * {@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()} asks, by reflection,
 * {@code DL4JClassLoading.loadClassByName("org.nd4j.nativeblas.Nd4jCpu$Environment")}, then
 * {@code getMethod("getInstance").invoke(null)} and {@code getMethod("isUseMKLDNN")} on the result.
 * That class moved to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} (and its method became
 * {@code isUseONEDNN}), so the lookup throws, DL4J records the failed check for the rest of the
 * process, and every convolution and batch norm layer falls back to its slow built-in code. This
 * class answers at the old name, from the relocated environment; on another backend (or if the
 * relocated class is absent) the answer is simply {@code false}. The rest of the workaround, and the
 * reason it matters (about seven times faster convolutions), is in {@code dev.stfpm.nn.dl4j.OneDnn}
 * and docs/DESIGN.md ("oneDNN on CPU").
 *
 * <p><b>It is a split package.</b> ND4J's {@code nd4j-native-api} jar (Automatic-Module-Name
 * {@code nd4j.cpu.api}, a dependency of {@code nd4j-native}) also holds the package
 * {@code org.nd4j.nativeblas}. On the class path that is harmless: a package may come from several
 * jars, and this class is found by name. On the module path it is not: two modules may not contain
 * the same package, so with stfpm-nn and nd4j-native-api both as (automatic) modules the module
 * system refuses to resolve them, and stfpm-nn has to run from the class path. (The same reason
 * makes the parent pom run javadoc in legacy, class-path mode; it excludes {@code org.nd4j.*} because
 * this class is not API.)
 *
 * <p><b>How to remove it.</b> When a Deeplearning4j release looks the environment up at its new name
 * (check with {@code javap -c} on {@code BaseMKLDNNHelper}, or delete this file and run
 * {@code StfpmModelTest} and {@code TeacherParityTest}, which assert that convolutions still run on
 * oneDNN), delete this file and the package {@code org.nd4j.nativeblas} from stfpm-nn, and the
 * {@code excludePackageNames} line of the parent pom's javadoc configuration.
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
