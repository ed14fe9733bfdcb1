package dev.usher.runtime.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/** The console's batches: every line printed, in order, soon after it arrived and at the latest on deactivation. */
class ConsoleLogTest {

    private final PrintStream original = System.out;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final List<LogListener> listeners = new ArrayList<>();
    private final List<LogEntry> history = new ArrayList<>();
    private long sequence;

    @BeforeEach
    void capture() {
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(original);
    }

    private LogReaderService reader() {
        return (LogReaderService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {LogReaderService.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "addLogListener" -> listeners.add((LogListener) args[0]);
                    case "removeLogListener" -> listeners.remove(args[0]);
                    case "getLog" -> {
                        List<LogEntry> newestFirst = new ArrayList<>(history);
                        Collections.reverse(newestFirst);
                        yield Collections.enumeration(newestFirst);
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(ConsoleLogTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProperty")) {
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private LogEntry entry(String message, Throwable exception) {
        long number = sequence++;
        LogEntry entry = new LogEntry() {
            @Override public Bundle getBundle() { return null; }
            @Override public ServiceReference<?> getServiceReference() { return null; }
            @SuppressWarnings("deprecation") @Override public int getLevel() { return 3; }
            @Override public String getMessage() { return message; }
            @Override public Throwable getException() { return exception; }
            @Override public long getTime() { return 0; }
            @Override public LogLevel getLogLevel() { return LogLevel.INFO; }
            @Override public String getLoggerName() { return "test"; }
            @Override public long getSequence() { return number; }
            @Override public String getThreadInfo() { return "main"; }
            @Override public StackTraceElement getLocation() { return null; }
        };
        history.add(entry);
        return entry;
    }

    private List<String> messages() {
        return printed.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains(" [test] "))
                .map(line -> line.substring(line.indexOf(" [test] ") + 8)).toList();
    }

    @Test
    void linesArePrintedInOrderSoonAfterTheyArrive() throws Exception {
        entry("before activation", null);
        ConsoleLog console = new ConsoleLog(context(), reader());
        LogListener listener = listeners.get(0);
        List<String> expected = new ArrayList<>(List.of("before activation"));
        for (int i = 0; i < 5000; i++) {
            listener.logged(entry("line " + i, null));
            expected.add("line " + i);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (messages().size() < expected.size() && System.nanoTime() < deadline) {
            synchronized (this) {
                wait(5);
            }
        }
        assertEquals(expected, messages(), "printed without a deactivation");
        console.deactivate();
    }

    @Test
    void deactivationPrintsWhatWaitsAndWhatTheListenerDidNotDeliver() {
        ConsoleLog console = new ConsoleLog(context(), reader());
        LogListener listener = listeners.get(0);
        listener.logged(entry("delivered", new IllegalStateException("the trace")));
        entry("never delivered", null);
        console.deactivate();
        assertEquals(List.of("delivered", "never delivered"), messages());
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("java.lang.IllegalStateException: the trace"), text);
        assertTrue(text.indexOf("the trace") < text.indexOf("never delivered"), "the trace follows its line");
    }
}
