package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.log.Logger;

/** The access log's writer thread, through the Log Service sink and a file sink. */
class AccessLogWriterTest {

    private final RecordingLogger problems = new RecordingLogger();

    @TempDir
    Path dir;

    @Test
    void linesAreWrittenInOrderAndCloseWritesWhatIsPending() {
        RecordingLogger sink = new RecordingLogger();
        AccessLogWriter writer = new AccessLogWriter(new AccessLogSink.LogService(sink.logger), "w", problems.logger);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            writer.add("line " + i);
            expected.add("line " + i);
        }
        writer.close(10_000);
        assertTrue(writer.stopped());
        assertEquals(expected, lines(sink.lines));
        assertTrue(sink.lines.size() < expected.size() / 10, sink.lines.size() + " entries: lines go in batches");
        // up to ENTRY_BYTES: an entry that fills the bound exactly is allowed
        assertTrue(sink.lines.stream().allMatch(entry -> entry.length() <= "INFO ".length()
                + AccessLogSink.LogService.ENTRY_BYTES), "no entry over the bound");
        writer.add("after close");
        assertEquals("INFO after close", sink.lines.get(sink.lines.size() - 1), "written by the caller itself");
    }

    /** The lines of Log Service entries recorded as {@code INFO message}, each message holding lines. */
    private static List<String> lines(List<String> entries) {
        return entries.stream().flatMap(entry -> entry.substring(entry.indexOf(' ') + 1).lines()).toList();
    }

    /** A sink slower than the lines: callers wait at the bound instead of filling the heap, and nothing is lost. */
    @Test
    void aStalledSinkHoldsCallersBackAtTheBound() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> written = new ArrayList<>();
        Logger stalling = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("info")) {
                        entered.countDown();
                        release.await();
                        synchronized (written) {
                            written.addAll(((String) args[0]).lines().toList());
                        }
                    }
                    return method.getName().equals("getName") ? "stalling" : null;
                });
        AccessLogWriter writer = new AccessLogWriter(new AccessLogSink.LogService(stalling), "w", problems.logger);
        writer.add("first");
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        // lines of at least 7 characters: together past the bound
        int total = AccessLogWriter.MAX_PENDING / 6;
        CompletableFuture<Void> adding = CompletableFuture.runAsync(() -> {
            for (int i = 1; i < total; i++) {
                writer.add("line " + i);
            }
        });
        // the adder fills the bound, then waits: it cannot finish while the sink is stalled
        LiveServerTest.awaitTrue(() -> adderWaits(adding));
        assertFalse(adding.isDone());
        release.countDown();
        adding.get(30, TimeUnit.SECONDS);
        writer.close(30_000);
        assertEquals(total, written.size());
        assertEquals("first", written.get(0));
        assertEquals("line " + (total - 1), written.get(total - 1));
    }

    private static boolean adderWaits(CompletableFuture<Void> adding) {
        return Thread.getAllStackTraces().entrySet().stream().anyMatch(e -> e.getKey().getState() == Thread.State.WAITING
                && List.of(e.getValue()).stream().anyMatch(frame -> frame.getMethodName().equals("add")
                        && frame.getClassName().equals(AccessLogWriter.class.getName())));
    }

    @Test
    void aSinkThatFailsIsReportedOnceUntilItWorksAgain() {
        // a directory cannot be opened for appending
        AccessLogWriter writer = new AccessLogWriter(new AccessLogSink.File(dir, null), "w", problems.logger);
        for (int i = 0; i < 5; i++) {
            writer.add("line " + i);
        }
        writer.close(10_000);
        writer.add("after close");
        List<String> errors = problems.lines.stream().filter(line -> line.startsWith("ERROR")).toList();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("Cannot write the access log to " + dir), errors.get(0));
    }
}
