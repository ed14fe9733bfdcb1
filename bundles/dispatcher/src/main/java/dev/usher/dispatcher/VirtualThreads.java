package dev.usher.dispatcher;

import java.lang.reflect.Method;
import java.util.concurrent.ThreadFactory;

/**
 * Virtual threads, looked up at run time: the bundle is compiled for Java 17, which has none.
 */
final class VirtualThreads {

    private VirtualThreads() {
    }

    /**
     * A factory of virtual threads named {@code prefix} followed by a counter ({@code
     * Thread.ofVirtual().name(prefix, 1).factory()}); null on a JVM without virtual threads.
     */
    static ThreadFactory factory(String prefix) {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            Method name = ofVirtual.getMethod("name", String.class, long.class);
            builder = name.invoke(builder, prefix, 1L);
            return (ThreadFactory) ofVirtual.getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException | ClassCastException e) {
            return null;
        }
    }
}
