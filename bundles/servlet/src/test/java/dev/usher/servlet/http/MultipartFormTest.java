package dev.usher.servlet.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code multipart/form-data} bodies read into parts within a servlet's multipart limits, and
 * every temporary file gone after a failure or {@code close()}.
 */
class MultipartFormTest {

    private static final String TYPE = "multipart/form-data; boundary=XyZ";

    @TempDir
    Path location;

    /** A body built line by line, each ending in CRLF unless it is raw bytes. */
    private static final class Body {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Body line(String text) {
            return raw((text + "\r\n").getBytes(UTF_8));
        }

        Body raw(byte[] raw) {
            bytes.writeBytes(raw);
            return this;
        }

        Body field(String name, String value) {
            return line("--XyZ").line("Content-Disposition: form-data; name=\"" + name + "\"").line("").line(value);
        }

        Body file(String name, String fileName, byte[] content) {
            line("--XyZ").line("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"")
                    .line("Content-Type: application/octet-stream").line("");
            return raw(content).line("");
        }

        byte[] end() {
            line("--XyZ--");
            return bytes.toByteArray();
        }

        byte[] unfinished() {
            return bytes.toByteArray();
        }
    }

    private MultipartLimits limits(long maxFileSize, long maxRequestSize, int threshold) {
        return new MultipartLimits(location.toString(), maxFileSize, maxRequestSize, threshold);
    }

    private MultipartForm read(byte[] body, MultipartLimits limits) throws IOException {
        return MultipartForm.read(new ByteArrayInputStream(body), TYPE, UTF_8, limits);
    }

    private long files() throws IOException {
        try (Stream<Path> files = Files.list(location)) {
            return files.count();
        }
    }

    private static byte[] bytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] content(Part part) throws IOException {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsFieldsAndFilesInOrder() throws IOException {
        byte[] body = new Body().line("a preamble, ignored").field("title", "Hello, world")
                .file("upload", "notes.txt", "line 1\r\nline 2".getBytes(UTF_8)).field("title", "again").end();
        try (MultipartForm form = read(body, limits(-1, -1, 1024))) {
            List<Part> parts = form.parts();
            assertEquals(3, parts.size());
            UploadedPart title = (UploadedPart) parts.get(0);
            assertEquals("title", title.getName());
            assertNull(title.getSubmittedFileName());
            assertNull(title.getContentType());
            assertEquals("Hello, world", title.text(UTF_8));
            assertEquals(12, title.getSize());
            Part upload = parts.get(1);
            assertEquals("upload", upload.getName());
            assertEquals("notes.txt", upload.getSubmittedFileName());
            assertEquals("application/octet-stream", upload.getContentType());
            assertArrayEquals("line 1\r\nline 2".getBytes(UTF_8), content(upload));
            assertEquals("again", ((UploadedPart) parts.get(2)).text(UTF_8));
            assertEquals(title, form.part("title"), "the first of a name");
            assertNull(form.part("none"));
            assertThrows(UnsupportedOperationException.class, () -> form.parts().clear());
        }
    }

    @Test
    void headersAreCaseInsensitiveAndKeepTheirSpelling() throws IOException {
        byte[] body = new Body().line("--XyZ").line("content-disposition: form-data; name=f")
                .line("X-Note: one").line("x-note: two").line("").line("v").end();
        try (MultipartForm form = read(body, limits(-1, -1, 100))) {
            Part part = form.parts().get(0);
            assertEquals("f", part.getName(), "an unquoted name");
            assertEquals("one", part.getHeader("X-NOTE"));
            assertEquals(List.of("one", "two"), List.copyOf(part.getHeaders("x-Note")));
            assertEquals(List.of("content-disposition", "X-Note"), List.copyOf(part.getHeaderNames()));
            assertNull(part.getHeader("Content-Type"));
            assertTrue(part.getHeaders("Content-Type").isEmpty());
        }
    }

    @Test
    void theBoundaryMayBeQuotedAndTransportPaddingFollowADelimiter() throws IOException {
        byte[] body = new Body().line("--a:b c  \t").line("Content-Disposition: form-data; name=x").line("")
                .line("1").line("--a:b c--").line("an epilogue, ignored").unfinished();
        try (MultipartForm form = MultipartForm.read(new ByteArrayInputStream(body),
                "Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a:b c\"", UTF_8, limits(-1, -1, 100))) {
            assertEquals("1", ((UploadedPart) form.parts().get(0)).text(UTF_8));
        }
    }

    @Test
    void aContentTypeWithoutBoundaryIsRefused() {
        for (String type : new String[] {"multipart/form-data", "multipart/form-data; boundary=", null,
            "multipart/form-data; boundary=\"" + "b".repeat(71) + "\""}) {
            IOException e = assertThrows(IOException.class, () -> MultipartForm.read(
                    new ByteArrayInputStream(new byte[0]), type, UTF_8, limits(-1, -1, 0)));
            assertEquals("multipart/form-data without a boundary", e.getMessage());
        }
    }

    @Test
    void anEmptyFormHasNoParts() throws IOException {
        try (MultipartForm form = read("--XyZ--\r\n".getBytes(UTF_8), limits(-1, -1, 0))) {
            assertTrue(form.parts().isEmpty());
        }
    }

    @Test
    void contentThatLooksLikeADelimiterIsKept() throws IOException {
        byte[] tricky = "a\r\n--XyZ and more".getBytes(UTF_8);
        byte[] withoutDelimiter = "\r\n--Xy\r\n--X\r\n\r\n--".getBytes(UTF_8);
        byte[] body = new Body().file("f", "a.bin", withoutDelimiter).end();
        try (MultipartForm form = read(body, limits(-1, -1, 100))) {
            assertArrayEquals(withoutDelimiter, content(form.parts().get(0)));
        }
        // The boundary must not occur in the content (RFC 2046 5.1.1): where it does, the part ends
        // there, and what follows is no delimiter line.
        assertThrows(IOException.class, () -> read(new Body().file("f", "a.bin", tricky).end(), limits(-1, -1, 100)));
    }

    @Test
    void largeBinaryContentSurvivesAnyChunking() throws IOException {
        byte[] big = bytes(300_000, 7);
        byte[] small = bytes(5000, 8);
        byte[] body = new Body().file("big", "big.bin", big).file("small", "small.bin", small).field("f", "v").end();
        InputStream trickle = new InputStream() {
            private final ByteArrayInputStream in = new ByteArrayInputStream(body);
            private final Random sizes = new Random(3);

            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, Math.min(len, 1 + sizes.nextInt(97)));
            }
        };
        try (MultipartForm form = MultipartForm.read(trickle, TYPE, UTF_8, limits(-1, -1, 10_000))) {
            assertArrayEquals(big, content(form.parts().get(0)));
            assertEquals(big.length, form.parts().get(0).getSize());
            assertArrayEquals(small, content(form.parts().get(1)));
            assertEquals("v", ((UploadedPart) form.parts().get(2)).text(UTF_8));
            assertEquals(1, files(), "only the big part spilled");
        }
        assertEquals(0, files());
    }

    @Test
    void aDelimiterArrivingOneByteAtATimeIsFound() throws IOException {
        byte[] body = new Body().field("a", "1").file("b", "b", bytes(100, 1)).end();
        InputStream bytewise = new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        try (MultipartForm form = MultipartForm.read(bytewise, TYPE, UTF_8, limits(-1, -1, 1000))) {
            assertEquals("1", ((UploadedPart) form.parts().get(0)).text(UTF_8));
            assertArrayEquals(bytes(100, 1), content(form.parts().get(1)));
        }
    }

    @Test
    void aPartUpToTheThresholdStaysInMemoryAndOneByteMoreSpillsToLocation() throws IOException {
        byte[] body = new Body().file("a", "a", bytes(10, 1)).file("b", "b", bytes(11, 2)).end();
        MultipartForm form = read(body, limits(-1, -1, 10));
        try (Stream<Path> files = Files.list(location)) {
            List<Path> spilled = files.toList();
            assertEquals(1, spilled.size());
            String name = spilled.get(0).getFileName().toString();
            assertTrue(name.startsWith("usher-upload-") && name.endsWith(".part"), name);
            assertArrayEquals(bytes(11, 2), Files.readAllBytes(spilled.get(0)));
        }
        assertArrayEquals(bytes(10, 1), content(form.parts().get(0)));
        assertArrayEquals(bytes(11, 2), content(form.parts().get(1)));
        form.close();
        assertEquals(0, files());
        form.close();
        assertEquals(0, files());
    }

    @Test
    void aZeroThresholdSpillsEveryNonEmptyPart() throws IOException {
        byte[] body = new Body().field("empty", "").field("one", "1").end();
        try (MultipartForm form = read(body, limits(-1, -1, 0))) {
            assertEquals(1, files());
            assertEquals("", ((UploadedPart) form.parts().get(0)).text(UTF_8));
            assertEquals("1", ((UploadedPart) form.parts().get(1)).text(UTF_8));
        }
    }

    @Test
    void aPartLargerThanMaxFileSizeFailsAndLeavesNoFile() {
        byte[] body = new Body().file("ok", "ok", bytes(100, 1)).file("big", "big", bytes(101, 2)).end();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> read(body, limits(100, -1, 10)));
        assertTrue(e.getMessage().contains("'big'") && e.getMessage().contains("100 bytes"), e.getMessage());
        assertEquals(0, uncheckedFiles());
    }

    @Test
    void aPartOfExactlyMaxFileSizeIsAccepted() throws IOException {
        try (MultipartForm form = read(new Body().file("f", "f", bytes(100, 1)).end(), limits(100, -1, 10))) {
            assertEquals(100, form.parts().get(0).getSize());
        }
    }

    @Test
    void aBodyLargerThanMaxRequestSizeFailsAndLeavesNoFile() {
        byte[] body = new Body().file("a", "a", bytes(3000, 1)).file("b", "b", bytes(3000, 2)).end();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> read(body, limits(-1, body.length - 1, 10)));
        assertTrue(e.getMessage().contains("larger than " + (body.length - 1)), e.getMessage());
        assertEquals(0, uncheckedFiles());
    }

    @Test
    void aBodyOfExactlyMaxRequestSizeIsAccepted() throws IOException {
        byte[] body = new Body().file("a", "a", bytes(3000, 1)).end();
        try (MultipartForm form = read(body, limits(-1, body.length, 10))) {
            assertEquals(1, form.parts().size());
        }
    }

    @Test
    void aBodyWithoutCloseDelimiterFailsAndLeavesNoFile() {
        byte[] body = new Body().file("a", "a", bytes(50, 1)).file("b", "b", bytes(50, 2)).unfinished();
        IOException e = assertThrows(IOException.class, () -> read(body, limits(-1, -1, 10)));
        assertTrue(e.getMessage().contains("close delimiter"), e.getMessage());
        assertEquals(0, uncheckedFiles());
        byte[] cut = new Body().file("a", "a", bytes(50, 1)).raw("--XyZ".getBytes(UTF_8)).unfinished();
        assertThrows(IOException.class, () -> read(cut, limits(-1, -1, 10)));
        assertEquals(0, uncheckedFiles());
    }

    @Test
    void aBodyWithoutAnyDelimiterIsMalformed() {
        assertThrows(IOException.class, () -> read("just text".getBytes(UTF_8), limits(-1, -1, 10)));
    }

    @Test
    void aPartWithoutFormDataNameFailsAndLeavesNoFile() {
        String[][] headerBlocks = {
            {"Content-Type: text/plain"},
            {"Content-Disposition: form-data"},
            {"Content-Disposition: attachment; name=\"x\""},
            {"Content-Disposition: form-data; filename=\"x\""},
        };
        for (String[] headers : headerBlocks) {
            Body body = new Body().file("first", "first", bytes(50, 1)).line("--XyZ");
            for (String header : headers) {
                body.line(header);
            }
            byte[] bytes = body.line("").line("v").end();
            IOException e = assertThrows(IOException.class, () -> read(bytes, limits(-1, -1, 10)), headers[0]);
            assertEquals("multipart/form-data part without a Content-Disposition form-data name", e.getMessage());
            assertEquals(0, uncheckedFiles());
        }
    }

    @Test
    void partHeadersHaveALimit() {
        byte[] body = new Body().line("--XyZ").line("Content-Disposition: form-data; name=x")
                .line("X-Long: " + "a".repeat(MultipartForm.MAX_HEADER_BYTES)).line("").line("v").end();
        IOException e = assertThrows(IOException.class, () -> read(body, limits(-1, -1, 10)));
        assertTrue(e.getMessage().contains("headers longer"), e.getMessage());
    }

    @Test
    void aHeaderLineWithoutColonIsMalformed() {
        byte[] body = new Body().line("--XyZ").line("Content-Disposition: form-data; name=x").line("nonsense")
                .line("").line("v").end();
        assertThrows(IOException.class, () -> read(body, limits(-1, -1, 10)));
    }

    @Test
    void fileNamesInAllTheirForms() throws IOException {
        byte[] body = new Body()
                .line("--XyZ").line("Content-Disposition: form-data; name=a; filename=\"plain.txt\"; "
                        + "filename*=UTF-8''%E2%82%AC%20rates.txt").line("").line("1")
                .line("--XyZ").line("Content-Disposition: form-data; name=b; filename=\"C:\\dir\\win.txt\"")
                .line("").line("2")
                .line("--XyZ").line("Content-Disposition: form-data; name=c; filename=\"r\u00e9sum\u00e9.pdf\"")
                .line("").line("3")
                .line("--XyZ").line("Content-Disposition: form-data; name=d; filename=\"say \\\"hi\\\".txt\"")
                .line("").line("4")
                .line("--XyZ").line("Content-Disposition: form-data; name=e; filename=\"\"").line("").line("")
                .line("--XyZ").line("Content-Disposition: form-data; name=f; filename*=nonsense; filename=ok.txt")
                .line("").line("6")
                .line("--XyZ").line("Content-Disposition: form-data; name=\"g;h\"; filename=\"x;y.txt\"")
                .line("").line("7")
                .end();
        try (MultipartForm form = read(body, limits(-1, -1, 100))) {
            List<Part> parts = form.parts();
            assertEquals("\u20ac rates.txt", parts.get(0).getSubmittedFileName(), "filename* first");
            assertEquals("C:\\dir\\win.txt", parts.get(1).getSubmittedFileName());
            assertEquals("r\u00e9sum\u00e9.pdf", parts.get(2).getSubmittedFileName(), "raw bytes in the charset");
            assertEquals("say \"hi\".txt", parts.get(3).getSubmittedFileName());
            assertEquals("", parts.get(4).getSubmittedFileName(), "a file input left empty");
            assertEquals("ok.txt", parts.get(5).getSubmittedFileName());
            assertEquals("g;h", parts.get(6).getName());
            assertEquals("x;y.txt", parts.get(6).getSubmittedFileName());
        }
    }

    @Test
    void textTakesThePartsCharsetOverTheFallback() throws IOException {
        byte[] body = new Body().line("--XyZ").line("Content-Disposition: form-data; name=latin")
                .line("Content-Type: text/plain; charset=ISO-8859-1").line("").raw("caf\u00e9".getBytes(ISO_8859_1))
                .line("").line("--XyZ").line("Content-Disposition: form-data; name=odd")
                .line("Content-Type: text/plain; charset=no-such-charset").line("").raw("caf\u00e9".getBytes(UTF_8))
                .line("").end();
        try (MultipartForm form = read(body, limits(-1, -1, 100))) {
            assertEquals("caf\u00e9", ((UploadedPart) form.parts().get(0)).text(UTF_8));
            assertEquals("caf\u00e9", ((UploadedPart) form.parts().get(1)).text(UTF_8), "unknown: the fallback");
        }
    }

    @Test
    void writeOfAPartInMemoryWritesItsBytesRelativeToLocation() throws IOException {
        try (MultipartForm form = read(new Body().file("f", "f", bytes(10, 1)).end(), limits(-1, -1, 100))) {
            Part part = form.parts().get(0);
            part.write("saved.bin");
            assertArrayEquals(bytes(10, 1), Files.readAllBytes(location.resolve("saved.bin")));
            assertArrayEquals(bytes(10, 1), content(part), "still readable");
        }
        assertTrue(Files.exists(location.resolve("saved.bin")), "close() leaves the application's file");
    }

    @Test
    void writeOfASpilledPartMovesItsFileWhichCloseThenLeaves(@TempDir Path elsewhere) throws IOException {
        MultipartForm form = read(new Body().file("f", "f", bytes(500, 1)).end(), limits(-1, -1, 100));
        Part part = form.parts().get(0);
        Path target = elsewhere.resolve("kept.bin");
        part.write(target.toString());
        assertEquals(0, files(), "moved, not copied");
        assertArrayEquals(bytes(500, 1), Files.readAllBytes(target));
        assertArrayEquals(bytes(500, 1), content(part), "read from its new place");
        part.write("second.bin");
        assertArrayEquals(bytes(500, 1), Files.readAllBytes(location.resolve("second.bin")));
        form.close();
        part.delete();
        assertTrue(Files.exists(target));
        assertTrue(Files.exists(location.resolve("second.bin")));
    }

    @Test
    void deleteRemovesTheTemporaryFileAndTheContent() throws IOException {
        try (MultipartForm form = read(new Body().file("f", "f", bytes(500, 1)).field("m", "in memory").end(),
                limits(-1, -1, 100))) {
            assertEquals(1, files());
            Part spilled = form.parts().get(0);
            spilled.delete();
            assertEquals(0, files());
            assertThrows(IOException.class, spilled::getInputStream);
            Part memory = form.parts().get(1);
            memory.delete();
            assertThrows(IOException.class, memory::getInputStream);
            assertThrows(IOException.class, () -> memory.write("x"));
            spilled.delete();
        }
    }

    @Test
    void limitsComeFromAMultipartConfigElement() {
        assertEquals(new MultipartLimits("/up", 1, 2, 3),
                MultipartLimits.of(new MultipartConfigElement("/up", 1, 2, 3)));
        MultipartLimits defaults = MultipartLimits.of(new MultipartConfigElement((String) null));
        assertEquals(new MultipartLimits("", -1, -1, 0), defaults);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        assertEquals(tmp, defaults.directory());
        assertEquals(tmp.resolve("uploads"), new MultipartLimits("uploads", -1, -1, 0).directory());
        assertEquals(location, new MultipartLimits(location.toString(), -1, -1, 0).directory());
    }

    @Test
    void theBodyStreamIsLeftOpen() throws IOException {
        boolean[] closed = {false};
        InputStream body = new ByteArrayInputStream(new Body().field("a", "b").end()) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        MultipartForm.read(body, TYPE, UTF_8, limits(-1, -1, 100)).close();
        assertFalse(closed[0]);
    }

    private long uncheckedFiles() {
        try {
            return files();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
