package dev.usher.servlet.http;

import jakarta.servlet.http.Part;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A {@code multipart/form-data} body (RFC 7578) read into its parts, within the limits of a
 * {@link MultipartLimits}. The form owns the temporary files of its parts: {@link #close()}
 * deletes those the application has not moved with {@link Part#write(String)}.
 */
public final class MultipartForm implements AutoCloseable {

    // A part's header block is a few short lines; this bounds what a malicious one costs.
    static final int MAX_HEADER_BYTES = 16 * 1024;

    private final List<Part> parts;

    private MultipartForm(List<Part> parts) {
        this.parts = Collections.unmodifiableList(parts);
    }

    /**
     * Reads {@code body} once, to its close delimiter, and leaves it open.
     *
     * @param contentType the request's {@code Content-Type}, {@code multipart/form-data} with a
     *     {@code boundary}, quoted or not
     * @param defaultCharset what the part headers' file names are in, as browsers send them raw
     * @throws IOException when the content type has no boundary, or the body is malformed: no
     *     close delimiter, a part without a {@code Content-Disposition: form-data} name
     * @throws IllegalStateException when a part has more than {@code maxFileSize} bytes or the
     *     body more than {@code maxRequestSize}, as {@code HttpServletRequest.getParts()} has it
     */
    public static MultipartForm read(InputStream body, String contentType, Charset defaultCharset,
            MultipartLimits limits) throws IOException {
        String boundary = boundary(contentType);
        DelimiterScanner scanner = new DelimiterScanner(body, boundary, limits.maxRequestSize());
        List<Part> parts = new ArrayList<>();
        PartContent content = null;
        try {
            if (!scanner.copyToDelimiter((bytes, offset, count) -> { })) {
                throw new IOException("multipart/form-data without a delimiter for boundary '" + boundary + "'");
            }
            while (!isCloseDelimiter(scanner)) {
                List<String[]> headers = headers(scanner, defaultCharset);
                HeaderParameters disposition = disposition(headers);
                String name = disposition.parameter("name");
                content = new PartContent(name, limits.directory(), limits.fileSizeThreshold(), limits.maxFileSize());
                if (!scanner.copyToDelimiter(content)) {
                    throw new IOException("multipart/form-data without a close delimiter");
                }
                Path file = content.finish();
                parts.add(UploadedPart.of(name, fileName(disposition), headers, content.size(),
                        file == null ? content.bytes() : null, file, limits.directory()));
                content = null;
            }
            return new MultipartForm(parts);
        } catch (IOException | RuntimeException | Error e) {
            // Whatever went wrong, no temporary file outlives the failed read.
            try {
                if (content != null) {
                    content.close();
                }
            } catch (IOException notDeleted) {
                e.addSuppressed(notDeleted);
            }
            deleteAll(parts, e);
            throw e;
        }
    }

    /** The parts, in the order of the body. */
    public List<Part> parts() {
        return parts;
    }

    /** The first part named {@code name}, or null. */
    public Part part(String name) {
        for (Part part : parts) {
            if (part.getName().equals(name)) {
                return part;
            }
        }
        return null;
    }

    /**
     * Deletes every temporary file a part still has. Idempotent.
     *
     * @throws IOException when a file could not be deleted; the others are deleted still
     */
    @Override
    public void close() throws IOException {
        IOException failure = new IOException("temporary files of multipart/form-data parts not deleted");
        deleteAll(parts, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private static void deleteAll(List<Part> parts, Throwable failures) {
        for (Part part : parts) {
            try {
                part.delete();
            } catch (IOException e) {
                failures.addSuppressed(e);
            }
        }
    }

    private static String boundary(String contentType) throws IOException {
        HeaderParameters type = HeaderParameters.parse(contentType == null ? "" : contentType);
        String boundary = type.parameter("boundary");
        // RFC 2046 5.1.1: 1 to 70 characters
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new IOException("multipart/form-data without a boundary");
        }
        return boundary;
    }

    /**
     * Reads what follows a delimiter: {@code --} for the close delimiter, else optional
     * whitespace and the CRLF before a part's headers.
     */
    private static boolean isCloseDelimiter(DelimiterScanner scanner) throws IOException {
        int b = scanner.read();
        if (b == '-') {
            if (scanner.read() == '-') {
                return true;
            }
            throw new IOException("multipart/form-data with a malformed close delimiter");
        }
        // RFC 2046 allows transport padding, spaces or tabs, after a delimiter.
        while (b == ' ' || b == '\t') {
            b = scanner.read();
        }
        if (b != '\r' || scanner.read() != '\n') {
            throw new IOException(b < 0 ? "multipart/form-data without a close delimiter"
                    : "multipart/form-data with a malformed delimiter line");
        }
        return false;
    }

    private static List<String[]> headers(DelimiterScanner scanner, Charset charset) throws IOException {
        List<String[]> headers = new ArrayList<>();
        for (String line : scanner.readLines(charset, MAX_HEADER_BYTES)) {
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !headers.isEmpty()) {
                // RFC 5322's folding, which old clients still use, continues the field before
                String[] previous = headers.get(headers.size() - 1);
                previous[1] = previous[1] + ' ' + line.trim();
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("multipart/form-data part header without a name: '" + line + "'");
            }
            headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        return headers;
    }

    private static HeaderParameters disposition(List<String[]> headers) throws IOException {
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase("Content-Disposition")) {
                HeaderParameters disposition = HeaderParameters.parse(header[1]);
                if (disposition.value().equals("form-data") && disposition.parameter("name") != null) {
                    return disposition;
                }
                break;
            }
        }
        throw new IOException("multipart/form-data part without a Content-Disposition form-data name");
    }

    /** {@code filename*} (RFC 5987, as RFC 6266 4.3 prefers it) if it can be read, else {@code filename}. */
    private static String fileName(HeaderParameters disposition) {
        String extended = disposition.parameter("filename*");
        if (extended != null) {
            String decoded = ExtendedValue.decode(extended);
            if (decoded != null) {
                return decoded;
            }
        }
        return disposition.parameter("filename");
    }
}
