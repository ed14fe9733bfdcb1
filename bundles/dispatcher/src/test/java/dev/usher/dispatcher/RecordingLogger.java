package dev.usher.dispatcher;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.osgi.service.log.Logger;

/** A {@link Logger} for tests outside OSGi: keeps what was logged at DEBUG and above. */
final class RecordingLogger {

    final List<String> lines = new CopyOnWriteArrayList<>();
    final Logger logger;
    /** Called with each line as it is logged, on the logging thread. */
    volatile Consumer<String> onLine = line -> { };

    RecordingLogger() {
        logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("debug") || name.equals("info") || name.equals("warn") || name.equals("error")) {
                        String line = name.toUpperCase() + " " + format(args);
                        lines.add(line);
                        onLine.accept(line);
                    }
                    if (method.getReturnType() == boolean.class) {
                        return false;
                    }
                    if (name.equals("getName")) {
                        return "test";
                    }
                    return null;
                });
    }

    private static String format(Object[] args) {
        if (args == null || args.length == 0) {
            return "";
        }
        String text = String.valueOf(args[0]);
        for (int i = 1; i < args.length; i++) {
            Object arg = args[i];
            if (arg instanceof Object[] varargs) {
                for (Object v : varargs) {
                    text = fill(text, v);
                }
            } else {
                text = fill(text, arg);
            }
        }
        return text;
    }

    private static String fill(String text, Object value) {
        int at = text.indexOf("{}");
        return at < 0 ? text + " " + value : text.substring(0, at) + value + text.substring(at + 2);
    }

    /** Fails, showing every line, if anything was logged at ERROR. */
    void assertNoErrors() {
        org.junit.jupiter.api.Assertions.assertTrue(lines.stream().noneMatch(line -> line.startsWith("ERROR")),
                lines::toString);
    }
}
