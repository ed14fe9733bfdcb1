package dev.usher.servlet.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A multipart body (RFC 2046, section 5.1.1) read once, front to back: the bytes up to each
 * delimiter ({@code CRLF--boundary}), and the lines and bytes after one. Counts what it reads
 * against the largest body allowed.
 */
final class DelimiterScanner {

    /** Where the bytes before a delimiter go. */
    interface Sink {
        /** Takes {@code count} bytes of {@code bytes} from {@code offset}. */
        void write(byte[] bytes, int offset, int count) throws IOException;
    }

    private final InputStream in;
    private final byte[] delimiter;
    private final long maxBytes;
    private final byte[] buffer;
    private int start;
    private int end;
    private long read;
    private boolean ended;

    /**
     * @param boundary the boundary of the content type
     * @param maxBytes the most bytes {@code in} may give; negative for no limit
     */
    DelimiterScanner(InputStream in, String boundary, long maxBytes) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.maxBytes = maxBytes;
        // Twice the delimiter, so that a partial delimiter kept at the end leaves room to read.
        this.buffer = new byte[Math.max(8192, 2 * delimiter.length)];
        // The first delimiter may open the body with no CRLF before it; a CRLF put in front
        // makes it look like every other.
        buffer[0] = '\r';
        buffer[1] = '\n';
        end = 2;
    }

    /**
     * Passes the bytes up to the next delimiter to {@code sink} and consumes the delimiter.
     *
     * @return false when the input ended without one (everything has gone to {@code sink})
     * @throws IllegalStateException when the input is longer than allowed
     */
    boolean copyToDelimiter(Sink sink) throws IOException {
        while (true) {
            int found = indexOfDelimiter();
            if (found >= 0) {
                sink.write(buffer, start, found - start);
                start = found + delimiter.length;
                return true;
            }
            // The last delimiter.length - 1 bytes may be the start of a delimiter: kept back.
            int safe = Math.max(start, end - delimiter.length + 1);
            sink.write(buffer, start, safe - start);
            start = safe;
            if (!fill()) {
                sink.write(buffer, start, end - start);
                start = end;
                return false;
            }
        }
    }

    /** The next byte, or -1 at the end of the input. */
    int read() throws IOException {
        if (start == end && !fill()) {
            return -1;
        }
        return buffer[start++] & 0xff;
    }

    /**
     * The lines up to the next empty line, each without its CRLF, the empty line consumed: a
     * part's header block.
     *
     * @param maxBytes the most bytes the block may have, CRLFs included
     * @throws IOException when the input ends before the empty line, or the block is longer
     */
    List<String> readLines(Charset charset, int maxBytes) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int total = 0;
        int previous = -1;
        while (true) {
            int b = read();
            if (b < 0) {
                throw new IOException("multipart/form-data ended within a part's headers");
            }
            if (++total > maxBytes) {
                throw new IOException("multipart/form-data part headers longer than " + maxBytes + " bytes");
            }
            if (b == '\n' && previous == '\r') {
                byte[] bytes = line.toByteArray();
                if (bytes.length == 1) {
                    return lines;
                }
                lines.add(new String(bytes, 0, bytes.length - 1, charset));
                line.reset();
                previous = -1;
            } else {
                line.write(b);
                previous = b;
            }
        }
    }

    private int indexOfDelimiter() {
        int last = end - delimiter.length;
        for (int i = start; i <= last; i++) {
            int j = 0;
            while (j < delimiter.length && buffer[i + j] == delimiter[j]) {
                j++;
            }
            if (j == delimiter.length) {
                return i;
            }
        }
        return -1;
    }

    private boolean fill() throws IOException {
        if (ended) {
            return false;
        }
        System.arraycopy(buffer, start, buffer, 0, end - start);
        end -= start;
        start = 0;
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            ended = true;
            return false;
        }
        read += n;
        if (maxBytes >= 0 && read > maxBytes) {
            throw new IllegalStateException("multipart/form-data body larger than " + maxBytes + " bytes");
        }
        end += n;
        return true;
    }
}
