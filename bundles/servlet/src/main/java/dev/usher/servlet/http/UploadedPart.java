package dev.usher.servlet.http;

import jakarta.servlet.http.Part;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One part of a {@code multipart/form-data} body, its bytes in memory or in a temporary file.
 * The file is the part's until {@link #write(String)} moves it or {@link #delete()} removes it.
 */
public final class UploadedPart implements Part {

    private final String name;
    private final String submittedFileName;
    private final Map<String, List<String>> headers;
    private final Set<String> headerNames;
    private final long size;
    private final Path location;
    private byte[] bytes;
    private Path file;
    private boolean ownsFile;
    private boolean deleted;

    private UploadedPart(String name, String submittedFileName, Map<String, List<String>> headers,
            Set<String> headerNames, long size, byte[] bytes, Path file, Path location) {
        this.name = name;
        this.submittedFileName = submittedFileName;
        this.headers = headers;
        this.headerNames = headerNames;
        this.size = size;
        this.bytes = bytes;
        this.file = file;
        this.ownsFile = file != null;
        this.location = location;
    }

    /**
     * A part with the header fields {@code headerFields}, each a name and a value, in order.
     *
     * @param bytes the content when it stayed in memory, else null
     * @param file the temporary file holding the content when {@code bytes} is null; the part's
     *     to delete from then on
     * @param location the directory relative names in {@link #write(String)} resolve against
     */
    static UploadedPart of(String name, String submittedFileName, List<String[]> headerFields, long size,
            byte[] bytes, Path file, Path location) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Set<String> names = new LinkedHashSet<>();
        for (String[] field : headerFields) {
            if (!headers.containsKey(field[0])) {
                names.add(field[0]);
            }
            headers.computeIfAbsent(field[0], n -> new ArrayList<>()).add(field[1]);
        }
        return new UploadedPart(name, submittedFileName, headers, Collections.unmodifiableSet(names), size,
                bytes, file, location);
    }

    /** The content as a stream, from memory or from its file. */
    @Override
    public InputStream getInputStream() throws IOException {
        if (deleted) {
            throw new IOException("part '" + name + "' has been deleted");
        }
        return bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(file);
    }

    /** The part's {@code Content-Type}, or null when it has none. */
    @Override
    public String getContentType() {
        return getHeader("Content-Type");
    }

    /** The form field's name, from {@code Content-Disposition}. */
    @Override
    public String getName() {
        return name;
    }

    /**
     * The file name the client gave ({@code filename*} before {@code filename}), or null for a
     * part that is not a file.
     */
    @Override
    public String getSubmittedFileName() {
        return submittedFileName;
    }

    /** How many bytes the content has. */
    @Override
    public long getSize() {
        return size;
    }

    /**
     * Writes the content to {@code fileName}, a name relative to the upload location or an
     * absolute one, replacing what is there. A content in a temporary file is moved, not copied,
     * and is then read from its new place.
     */
    @Override
    public void write(String fileName) throws IOException {
        if (deleted) {
            throw new IOException("part '" + name + "' has been deleted");
        }
        Path target = location.resolve(fileName);
        if (bytes != null) {
            Files.write(target, bytes);
        } else if (ownsFile) {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            file = target;
            // The file is the application's now: neither delete() nor the form's close() removes it.
            ownsFile = false;
        } else {
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes the content: the temporary file, if the part still has one, or the bytes. */
    @Override
    public void delete() throws IOException {
        deleted = true;
        bytes = null;
        if (ownsFile) {
            ownsFile = false;
            Files.deleteIfExists(file);
        }
    }

    /** The first value of the header field {@code name}, any case, or null. */
    @Override
    public String getHeader(String name) {
        List<String> values = headers.get(name);
        return values == null ? null : values.get(0);
    }

    /** Every value of the header field {@code name}, any case; empty when there is none. */
    @Override
    public Collection<String> getHeaders(String name) {
        List<String> values = headers.get(name);
        return values == null ? List.of() : Collections.unmodifiableList(values);
    }

    /** The names of the part's header fields, as spelled, in order. */
    @Override
    public Collection<String> getHeaderNames() {
        return headerNames;
    }

    /**
     * The content as text: in the charset its {@code Content-Type} names, else {@code fallback}
     * (RFC 7578 4.4), such as for a form field that becomes a request parameter.
     */
    public String text(Charset fallback) throws IOException {
        try (InputStream in = getInputStream()) {
            return new String(in.readAllBytes(), charset(fallback));
        }
    }

    private Charset charset(Charset fallback) {
        String contentType = getContentType();
        String charsetName = contentType == null ? null
                : HeaderParameters.parse(contentType).parameter("charset");
        if (charsetName == null) {
            return fallback;
        }
        try {
            return Charset.forName(charsetName);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException unknown) {
            return fallback;
        }
    }
}
