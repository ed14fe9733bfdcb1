package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.usher.itests.ClientConnection.Response;

/**
 * Multipart requests (Compendium 140.4 {@code servlet.multipart.*}, Servlet 6.0 3.2):
 * {@code getParts} gives the fields and files, parts beyond the threshold go to the location
 * and are deleted after the request, a part beyond {@code maxFileSize} makes {@code getParts}
 * throw {@code IllegalStateException} and leaves nothing behind, form fields are parameters,
 * and a servlet without multipart enabled gets no parts.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WhiteboardMultipartIT extends WhiteboardTestSupport {

    private static final String BOUNDARY = "----usher-itest-boundary";

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withServletWhiteboard();
    }

    private Path location;

    @Before
    public void createLocation() throws IOException {
        location = Files.createTempDirectory("usher-multipart-it");
    }

    @After
    public void deleteLocation() throws IOException {
        try (Stream<Path> all = Files.walk(location)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** What the location holds now, by name. */
    private List<String> inLocation() throws IOException {
        try (Stream<Path> files = Files.list(location)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * A multipart servlet answering each part ({@code name[file]=size:first bytes}), the
     * {@code title} parameter and how many files the location held while it ran; an
     * {@code IllegalStateException} from {@code getParts} is its 413. A part named {@code keep}
     * is written to {@code kept.bin}.
     */
    private HttpServlet partsReport() {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                resp.setContentType("text/plain;charset=UTF-8");
                List<String> report = new ArrayList<>();
                try {
                    for (Part part : req.getParts()) {
                        String head;
                        try (InputStream in = part.getInputStream()) {
                            head = new String(in.readNBytes(4), StandardCharsets.UTF_8);
                        }
                        report.add(part.getName() + "[" + part.getSubmittedFileName() + "," + part.getContentType() + "]="
                                + part.getSize() + ":" + head);
                        if (part.getName().equals("keep")) {
                            part.write("kept.bin");
                        }
                    }
                } catch (IllegalStateException tooLarge) {
                    resp.sendError(413);
                    return;
                }
                report.add("title=" + req.getParameter("title"));
                report.add("spilled=" + inLocation().stream().filter(n -> !n.equals("kept.bin")).count());
                resp.getWriter().print(String.join(" ", report));
            }
        };
    }

    private static void field(ByteArrayOutputStream body, String name, String value) throws IOException {
        body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void file(ByteArrayOutputStream body, String name, String fileName, byte[] content) throws IOException {
        body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] end(ByteArrayOutputStream body) throws IOException {
        body.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    private static byte[] bytes(int count, char c) {
        byte[] bytes = new byte[count];
        java.util.Arrays.fill(bytes, (byte) c);
        return bytes;
    }

    private Response post(String target, byte[] body) throws IOException {
        return request("POST", target, Map.of("Content-Type", "multipart/form-data; boundary=" + BOUNDARY), body);
    }

    private void multipartServlet(String pattern) {
        servlet(partsReport(), HTTP_WHITEBOARD_SERVLET_PATTERN, pattern,
                HTTP_WHITEBOARD_SERVLET_MULTIPART_ENABLED, true,
                HTTP_WHITEBOARD_SERVLET_MULTIPART_FILESIZETHRESHOLD, 16,
                HTTP_WHITEBOARD_SERVLET_MULTIPART_MAXFILESIZE, 1024L,
                HTTP_WHITEBOARD_SERVLET_MULTIPART_LOCATION, location.toString());
    }

    @Test
    public void getPartsGivesFieldsAndFilesAndTheFilesGoAfterTheRequest() throws Exception {
        multipartServlet("/upload");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        field(body, "title", "Grüße");
        file(body, "small", "small.txt", "tiny".getBytes(StandardCharsets.US_ASCII));
        file(body, "large", "large.bin", bytes(600, 'L'));
        Response response = post("/upload", end(body));
        assertEquals(response.toString(), 200, response.status());
        assertEquals("title[null,null]=7:Grü small[small.txt,application/octet-stream]=4:tiny"
                + " large[large.bin,application/octet-stream]=600:LLLL title=Grüße spilled=1", response.text());
        Await.condition("the spilled part deleted after the request, left " + inLocation(),
                () -> inLocation().isEmpty());
    }

    @Test
    public void aPartWrittenByTheApplicationStaysWhereItWasWritten() throws Exception {
        multipartServlet("/upload");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        file(body, "keep", "keep.bin", bytes(100, 'K'));
        file(body, "drop", "drop.bin", bytes(100, 'D'));
        Response response = post("/upload", end(body));
        assertEquals(response.toString(), 200, response.status());
        Await.condition("only the written part left, found " + inLocation(),
                () -> inLocation().equals(List.of("kept.bin")));
        assertEquals(100, Files.size(location.resolve("kept.bin")));
    }

    @Test
    public void aFileBeyondMaxFileSizeIsRefusedAndLeavesNothingBehind() throws Exception {
        multipartServlet("/upload");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        field(body, "title", "big");
        file(body, "huge", "huge.bin", bytes(5000, 'H'));
        Response response = post("/upload", end(body));
        assertEquals("getParts threw IllegalStateException", 413, response.status());
        Await.condition("no temporary file left, found " + inLocation(), () -> inLocation().isEmpty());

        // exactly maxFileSize is fine
        ByteArrayOutputStream fits = new ByteArrayOutputStream();
        file(fits, "exact", "exact.bin", bytes(1024, 'E'));
        Response fitting = post("/upload", end(fits));
        assertEquals(fitting.toString(), 200, fitting.status());
        assertTrue(fitting.text(), fitting.text().startsWith("exact[exact.bin,application/octet-stream]=1024:EEEE"));
        Await.condition("no temporary file left, found " + inLocation(), () -> inLocation().isEmpty());
    }

    @Test
    public void maxRequestSizeBoundsTheWholeBody() throws Exception {
        servlet(partsReport(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/bounded",
                HTTP_WHITEBOARD_SERVLET_MULTIPART_ENABLED, true,
                HTTP_WHITEBOARD_SERVLET_MULTIPART_MAXREQUESTSIZE, 2000L,
                HTTP_WHITEBOARD_SERVLET_MULTIPART_LOCATION, location.toString());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        file(body, "a", "a.bin", bytes(900, 'A'));
        file(body, "b", "b.bin", bytes(900, 'B'));
        file(body, "c", "c.bin", bytes(900, 'C'));
        assertEquals(413, post("/bounded", end(body)).status());
        Await.condition("no temporary file left, found " + inLocation(), () -> inLocation().isEmpty());
    }

    @Test
    public void formFieldsAreParametersWithoutGetParts() throws Exception {
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain;charset=UTF-8");
                resp.getWriter().print(req.getParameter("title") + " " + String.join(",", req.getParameterValues("tag"))
                        + " q=" + req.getParameter("q") + " file=" + req.getParameter("doc"));
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/fields", HTTP_WHITEBOARD_SERVLET_MULTIPART_ENABLED, true,
                HTTP_WHITEBOARD_SERVLET_MULTIPART_LOCATION, location.toString());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        field(body, "title", "hello");
        field(body, "tag", "a");
        field(body, "tag", "b");
        file(body, "doc", "doc.txt", "not a parameter".getBytes(StandardCharsets.US_ASCII));
        Response response = post("/fields?q=1", end(body));
        assertEquals(response.toString(), 200, response.status());
        assertEquals("hello a,b q=1 file=null", response.text());
    }

    @Test
    public void withoutMultipartEnabledGetPartsThrowsIllegalStateException() throws Exception {
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                String outcome;
                try {
                    outcome = "parts=" + req.getParts().size();
                } catch (IllegalStateException e) {
                    outcome = "IllegalStateException";
                }
                resp.getWriter().print(outcome + " title=" + req.getParameter("title"));
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/plain");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        field(body, "title", "ignored");
        Response response = post("/plain", end(body));
        assertEquals(200, response.status());
        assertEquals("IllegalStateException title=null", response.text());
    }
}
