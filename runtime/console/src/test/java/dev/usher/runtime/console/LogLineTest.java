package dev.usher.runtime.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;

class LogLineTest {

    private static Bundle bundle(String bsn) {
        return (Bundle) Proxy.newProxyInstance(LogLineTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> bsn;
                    case "toString" -> bsn;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static LogEntry entry(String bsn, String logger, LogLevel level, String message) {
        return new LogEntry() {
            @Override public Bundle getBundle() { return bsn == null ? null : bundle(bsn); }
            @Override public ServiceReference<?> getServiceReference() { return null; }
            @SuppressWarnings("deprecation") @Override public int getLevel() { return level.ordinal(); }
            @Override public String getMessage() { return message; }
            @Override public Throwable getException() { return null; }
            @Override public long getTime() { return 0; }
            @Override public LogLevel getLogLevel() { return level; }
            @Override public String getLoggerName() { return logger; }
            @Override public long getSequence() { return 0; }
            @Override public String getThreadInfo() { return "main"; }
            @Override public StackTraceElement getLocation() { return null; }
        };
    }

    @Test
    void defaultsToInfoWithoutEvents() {
        LogLine line = LogLine.fromProperties(null, null, w -> { throw new AssertionError(w); });
        assertEquals(LogLevel.INFO, line.threshold());
        assertTrue(line.accepts(entry("b", "x.Y", LogLevel.INFO, "m")));
        assertTrue(line.accepts(entry("b", "x.Y", LogLevel.ERROR, "m")));
        assertTrue(line.accepts(entry("b", "x.Y", LogLevel.AUDIT, "m")));
        assertFalse(line.accepts(entry("b", "x.Y", LogLevel.DEBUG, "m")));
        assertFalse(line.accepts(entry("b", "Events.Service.b", LogLevel.INFO, "ServiceEvent REGISTERED")));
        assertTrue(line.accepts(entry("b", "Events.Framework.b", LogLevel.ERROR, "FrameworkEvent ERROR")));
    }

    @Test
    void levelAndEventsFromProperties() {
        LogLine line = LogLine.fromProperties(" debug ", "true", w -> { throw new AssertionError(w); });
        assertTrue(line.accepts(entry("b", "x.Y", LogLevel.DEBUG, "m")));
        assertFalse(line.accepts(entry("b", "x.Y", LogLevel.TRACE, "m")));
        assertTrue(line.accepts(entry("b", "Events.Bundle.b", LogLevel.INFO, "BundleEvent STARTED")));

        LogLine warn = LogLine.fromProperties("WARN", null, w -> { throw new AssertionError(w); });
        assertFalse(warn.accepts(entry("b", "x.Y", LogLevel.INFO, "m")));
        assertTrue(warn.accepts(entry("b", "x.Y", LogLevel.WARN, "m")));
    }

    @Test
    void unknownLevelIsReportedAndInfoUsed() {
        List<String> warnings = new ArrayList<>();
        LogLine line = LogLine.fromProperties("LOUD", null, warnings::add);
        assertEquals(LogLevel.INFO, line.threshold());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("LOUD"), warnings.get(0));
    }

    @Test
    void eachLineOfAMessageGetsThePrefix() {
        LogLine line = new LogLine(LogLevel.INFO, false);
        String text = line.format(entry("dev.usher.dispatcher", "dev.usher.access", LogLevel.INFO, "one\ntwo\n"));
        List<String> lines = text.lines().toList();
        assertEquals(2, lines.size(), text);
        assertTrue(lines.get(0).endsWith(" INFO  dev.usher.dispatcher [dev.usher.access] one"), lines.get(0));
        assertEquals(lines.get(0).replace(" one", " two"), lines.get(1));
    }

    @Test
    void linesAreSplitAlikeWhetherTheMessageIsAsciiOrNot() {
        LogLine line = new LogLine(LogLevel.INFO, false);
        for (String[] message : new String[][] {{"a", "", "b"}, {"naïve", "", "\uD83D\uDE00 émoji", "z"}}) {
            String text = line.format(entry("b", "b", LogLevel.INFO, String.join("\n", message)));
            List<String> lines = text.lines().toList();
            assertEquals(message.length, lines.size(), text);
            for (int i = 0; i < message.length; i++) {
                assertTrue(lines.get(i).endsWith(" INFO  b " + message[i]), lines.get(i));
            }
        }
    }

    @Test
    void aMessageLongerThanTheBufferIsKeptWhole() {
        String longLine = "x".repeat(10_000);
        String text = new LogLine(LogLevel.INFO, false).format(entry("b", "b", LogLevel.INFO, longLine + "\n" + longLine));
        assertEquals(List.of(longLine, longLine), text.lines().map(l -> l.substring(l.indexOf(" b ") + 3)).toList());
    }

    @Test
    void timeIsLocalWithMilliseconds() {
        long time = 1_764_921_905_007L;
        String expected = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
                .withZone(java.time.ZoneId.systemDefault()).format(java.time.Instant.ofEpochMilli(time));
        assertEquals(expected + " INFO  b m", LogLine.line(time, LogLevel.INFO, "b", "b", "m"));
        assertTrue(LogLine.line(time + 990, LogLevel.INFO, "b", "b", "m").startsWith(expected.replace(".007", ".997")));
        assertTrue(LogLine.line(time + 1000, LogLevel.INFO, "b", "b", "m").contains(":06.007 "));
    }

    @Test
    void lineHoldsLevelBundleLoggerAndMessage() {
        LogLine line = new LogLine(LogLevel.INFO, false);
        String text = line.format(entry("dev.usher.dispatcher", "dev.usher.dispatcher.Server", LogLevel.INFO,
                "Serving on http://0.0.0.0:8080"));
        assertTrue(text.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  dev\\.usher\\.dispatcher "
                + "\\[dev\\.usher\\.dispatcher\\.Server\\] Serving on http://0\\.0\\.0\\.0:8080"), text);
        assertTrue(line.format(entry("b", "b", LogLevel.ERROR, "m")).endsWith(" ERROR b m"));
        assertTrue(line.format(entry(null, null, LogLevel.WARN, "m")).endsWith(" WARN  m"));
    }
}
