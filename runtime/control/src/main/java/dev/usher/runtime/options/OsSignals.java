package dev.usher.runtime.options;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The JVM's handling of operating-system signals (HUP, TERM, USR1, ...): the one place Usher
 * uses {@code sun.misc.Signal}, for the launcher and the control bundle alike.
 *
 * <p>Why reflection: the JDK has no supported replacement, and {@code sun.misc.Signal} is in the
 * {@code jdk.unsupported} module precisely so that programs like this one may keep using it
 * (JEP 260); but javac reports every compile-time use of {@code sun.misc} as "internal proprietary
 * API", a warning no {@code @SuppressWarnings} silences. Reached by name through the system class
 * loader, it costs no warning, and the control bundle needs no import of {@code sun.misc}.
 */
public final class OsSignals {

    private static final Class<?> SIGNAL;
    private static final Class<?> HANDLER;
    private static final Constructor<?> NEW_SIGNAL;
    private static final Method HANDLE;

    static {
        try {
            ClassLoader system = ClassLoader.getSystemClassLoader();
            SIGNAL = system.loadClass("sun.misc.Signal");
            HANDLER = system.loadClass("sun.misc.SignalHandler");
            NEW_SIGNAL = SIGNAL.getConstructor(String.class);
            HANDLE = SIGNAL.getMethod("handle", SIGNAL, HANDLER);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private OsSignals() {
    }

    /** A handler in place for one signal; {@link #restore()} puts back the one it replaced. */
    public static final class Installed {

        private final Object signal;
        private final Object previous;

        private Installed(Object signal, Object previous) {
            this.signal = signal;
            this.previous = previous;
        }

        /** Puts back the handler this one replaced. */
        public void restore() {
            try {
                invokeHandle(signal, previous);
            } catch (IllegalArgumentException e) {
                // it could be replaced, so it can be put back; if not, as it was
            }
        }
    }

    /**
     * Handles signal {@code name} (e.g. {@code HUP}) with {@code action}, which is given the
     * signal's lower-case name, on the JVM's signal thread.
     *
     * @throws IllegalArgumentException when the JVM does not let the signal be handled (unknown,
     *     or reserved, as with {@code -Xrs})
     */
    public static Installed handle(String name, Consumer<String> action) {
        String lower = name.toLowerCase(Locale.ROOT);
        Object signal;
        try {
            signal = NEW_SIGNAL.newInstance(name);
        } catch (InvocationTargetException e) {
            throw unwrap(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        Object handler = Proxy.newProxyInstance(HANDLER.getClassLoader(), new Class<?>[] {HANDLER},
                (proxy, method, args) -> {
                    if (method.getName().equals("handle")) {
                        action.accept(lower);
                        return null;
                    }
                    return switch (method.getName()) {
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "signal handler for " + lower;
                    };
                });
        return new Installed(signal, invokeHandle(signal, handler));
    }

    private static Object invokeHandle(Object signal, Object handler) {
        try {
            return HANDLE.invoke(null, signal, handler);
        } catch (InvocationTargetException e) {
            throw unwrap(e);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RuntimeException unwrap(InvocationTargetException e) {
        return e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    }
}
