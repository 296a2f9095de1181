package dev.stfpm.nn.dl4j;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.layers.LayerHelper;

/**
 * Sets a Deeplearning4j layer's helper, which its classes offer no setter for: the reflective access
 * that {@link BatchNormHelper#install} and {@link OneDnnConvolution#install} share.
 */
final class HelperField {

    private HelperField() {
    }

    /**
     * @param declaring the layer class that declares the field {@code helper}
     * @param layer     an instance of it
     * @param helper    the helper to give it
     * @throws IllegalStateException if this Deeplearning4j version has no such field
     */
    static void set(Class<?> declaring, Object layer, LayerHelper helper) {
        try {
            Field field = declaring.getDeclaredField("helper");
            field.setAccessible(true);
            field.set(layer, helper);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot install a layer helper in " + declaring.getSimpleName()
                    + " of this Deeplearning4j version", e);
        }
    }
}
