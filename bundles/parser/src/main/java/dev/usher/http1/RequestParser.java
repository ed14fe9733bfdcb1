package dev.usher.http1;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental HTTP/1.x request parser. It is fed whatever bytes arrived, in slices of any
 * size, and hands out the requests they frame one step at a time:
 *
 * <pre>
 * for (Step step; (step = parser.next(bytes)) != Step.NEED_INPUT; ) {
 *     switch (step) {
 *         case HEAD -&gt; start(parser.head());
 *         case BODY -&gt; append(parser.body());
 *         case END  -&gt; finish();
 *     }
 * }
 * </pre>
 *
 * Input the parser cannot frame unambiguously raises {@link InvalidRequestException}; from then
 * on every call raises it again. One parser serves one connection; it is not thread-safe.
 */
public final class RequestParser {

    /** What a call to {@link #next} produced. */
    public enum Step {
        /** Every byte given has been consumed; call again with more. */
        NEED_INPUT,
        /** A request head is complete: see {@link #head()}. */
        HEAD,
        /** Some body bytes: see {@link #body()}. */
        BODY,
        /** The request is complete; the next call starts the next one. */
        END
    }

    private enum State { HEAD, BODY, DONE, FAILED }

    private static final int INITIAL_HEAD_CAPACITY = 512;
    private static final int RETAINED_HEAD_CAPACITY = 8192;
    private static final int INITIAL_FIELDS = 16;
    private static final byte[] HTTP_SLASH = "HTTP/".getBytes(StandardCharsets.US_ASCII);
    private static final String[] KNOWN_METHODS = {
        "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT",
    };

    private ParserLimits limits;
    private ParserLimits nextLimits;
    private State state = State.HEAD;

    private byte[] headBytes = new byte[INITIAL_HEAD_CAPACITY];
    private int headLength;
    private int lineStart;

    private String method;
    private String target;
    private HttpVersion version;
    private String[] fields;
    private int fieldCount;

    private RequestHead head;
    private long bodyRemaining;
    private ByteBuffer body;
    private InvalidRequestException failure;

    /** A parser that enforces {@code limits}. */
    public RequestParser(ParserLimits limits) {
        this.limits = limits;
    }

    /** Enforces {@code limits} from the next request on; the one in progress keeps its own. */
    public void limits(ParserLimits limits) {
        if (state == State.HEAD && headLength == 0) {
            this.limits = limits;
        } else {
            this.nextLimits = limits;
        }
    }

    /**
     * Consumes bytes of {@code input} (advancing its position) up to the next step.
     *
     * @throws InvalidRequestException when the input cannot be framed as a request
     */
    public Step next(ByteBuffer input) throws InvalidRequestException {
        switch (state) {
            case HEAD:
                return readHead(input);
            case BODY:
                return readBody(input);
            case DONE:
                reset();
                return Step.END;
            default:
                throw failure;
        }
    }

    /** The head of the request in progress, once {@link Step#HEAD} was returned. */
    public RequestHead head() {
        return head;
    }

    /**
     * The body bytes of the last {@link Step#BODY}: a view of the input given, valid until the
     * input buffer is reused.
     */
    public ByteBuffer body() {
        return body;
    }

    /** Whether no byte of a next request has arrived: the connection is between requests. */
    public boolean idle() {
        return state == State.HEAD && headLength == 0;
    }

    private Step readHead(ByteBuffer input) throws InvalidRequestException {
        while (input.hasRemaining()) {
            int start = input.position();
            int limit = input.limit();
            int lineFeed = -1;
            for (int i = start; i < limit; i++) {
                if (input.get(i) == '\n') {
                    lineFeed = i;
                    break;
                }
            }
            int end = lineFeed < 0 ? limit : lineFeed + 1;
            int count = end - start;
            if ((long) headLength + count >= limits.maxHeaderSize()) {
                throw fail(431, "Request header fields too large");
            }
            if (headLength + count > headBytes.length) {
                headBytes = Arrays.copyOf(headBytes, Math.max(headLength + count, headBytes.length * 2));
            }
            input.get(start, headBytes, headLength, count);
            input.position(end);
            headLength += count;
            if (lineFeed < 0) {
                return Step.NEED_INPUT;
            }
            int lineEnd = headLength - 1;
            if (lineEnd == lineStart || headBytes[lineEnd - 1] != '\r') {
                throw fail(400, "Line not ended by CRLF");
            }
            lineEnd--;
            if (lineEnd == lineStart) {
                if (method != null) {
                    completeHead();
                    return Step.HEAD;
                }
                // RFC 9112 2.2: empty lines before the request line are ignored.
            } else if (method == null) {
                parseRequestLine(lineStart, lineEnd);
            } else {
                parseField(lineStart, lineEnd);
            }
            lineStart = headLength;
        }
        return Step.NEED_INPUT;
    }

    private Step readBody(ByteBuffer input) {
        int available = input.remaining();
        if (available == 0) {
            return Step.NEED_INPUT;
        }
        int count = (int) Math.min(available, bodyRemaining);
        int start = input.position();
        body = input.slice(start, count);
        input.position(start + count);
        bodyRemaining -= count;
        if (bodyRemaining == 0) {
            state = State.DONE;
        }
        return Step.BODY;
    }

    private void parseRequestLine(int start, int end) throws InvalidRequestException {
        byte[] b = headBytes;
        int i = start;
        while (i < end && Chars.isTchar(b[i])) {
            i++;
        }
        if (i == start || i == end || b[i] != ' ') {
            throw fail(400, "Malformed request line");
        }
        String parsedMethod = method(start, i);
        int targetStart = ++i;
        while (i < end && Chars.isTarget(b[i])) {
            i++;
        }
        if (i == targetStart || i == end || b[i] != ' ') {
            throw fail(400, "Malformed request line");
        }
        int targetEnd = i++;
        version = version(i, end);
        target = new String(b, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
        method = parsedMethod;
    }

    private String method(int start, int end) {
        int length = end - start;
        for (String known : KNOWN_METHODS) {
            if (known.length() == length && matches(known, start)) {
                return known;
            }
        }
        return new String(headBytes, start, length, StandardCharsets.US_ASCII);
    }

    private boolean matches(String ascii, int at) {
        for (int k = 0; k < ascii.length(); k++) {
            if (headBytes[at + k] != ascii.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private HttpVersion version(int start, int end) throws InvalidRequestException {
        byte[] b = headBytes;
        boolean wellFormed = end - start == 8
                && Arrays.equals(b, start, start + 5, HTTP_SLASH, 0, 5)
                && isDigit(b[start + 5]) && b[start + 6] == '.' && isDigit(b[start + 7]);
        if (!wellFormed) {
            throw fail(400, "Malformed HTTP version");
        }
        if (b[start + 5] == '1' && b[start + 7] == '1') {
            return HttpVersion.HTTP_1_1;
        }
        if (b[start + 5] == '1' && b[start + 7] == '0') {
            return HttpVersion.HTTP_1_0;
        }
        throw fail(505, "HTTP version not supported");
    }

    private void parseField(int start, int end) throws InvalidRequestException {
        byte[] b = headBytes;
        if (b[start] == ' ' || b[start] == '\t') {
            throw fail(400, "Obsolete line folding is not accepted");
        }
        int i = start;
        while (i < end && Chars.isTchar(b[i])) {
            i++;
        }
        if (i == start || i == end || b[i] != ':') {
            throw fail(400, "Malformed header field");
        }
        String name = FieldNames.lowerCase(b, start, i - start);
        int valueStart = i + 1;
        while (valueStart < end && (b[valueStart] == ' ' || b[valueStart] == '\t')) {
            valueStart++;
        }
        int valueEnd = end;
        while (valueEnd > valueStart && (b[valueEnd - 1] == ' ' || b[valueEnd - 1] == '\t')) {
            valueEnd--;
        }
        for (int k = valueStart; k < valueEnd; k++) {
            if (!Chars.isFieldValue(b[k])) {
                throw fail(400, "Invalid character in header field " + name);
            }
        }
        if (fields == null) {
            fields = new String[2 * INITIAL_FIELDS];
        } else if (2 * fieldCount == fields.length) {
            fields = Arrays.copyOf(fields, fields.length * 2);
        }
        fields[2 * fieldCount] = name;
        fields[2 * fieldCount + 1] = new String(b, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
        fieldCount++;
    }

    private void completeHead() throws InvalidRequestException {
        long contentLength = -1;
        int hosts = 0;
        boolean transferEncoding = false;
        boolean close = false;
        boolean keepAliveAsked = false;
        for (int i = 0; i < fieldCount; i++) {
            String name = fields[2 * i];
            String value = fields[2 * i + 1];
            switch (name) {
                case "content-length": {
                    long length = parseContentLength(value);
                    if (contentLength >= 0 && contentLength != length) {
                        throw fail(400, "Conflicting Content-Length fields");
                    }
                    contentLength = length;
                    break;
                }
                case "transfer-encoding":
                    transferEncoding = true;
                    break;
                case "host":
                    hosts++;
                    break;
                case "connection":
                    close |= hasToken(value, "close");
                    keepAliveAsked |= hasToken(value, "keep-alive");
                    break;
                default:
                    break;
            }
        }
        if (transferEncoding) {
            if (version == HttpVersion.HTTP_1_0) {
                throw fail(400, "Transfer-Encoding is not allowed in HTTP/1.0");
            }
            if (contentLength >= 0) {
                throw fail(400, "Transfer-Encoding and Content-Length together");
            }
            throw fail(501, "Transfer-Encoding not implemented");
        }
        if (version == HttpVersion.HTTP_1_1 && hosts != 1) {
            throw fail(400, hosts == 0 ? "Missing Host header" : "More than one Host header");
        }
        if (contentLength >= limits.maxBodySize()) {
            throw fail(413, "Request body too large");
        }
        long length = Math.max(contentLength, 0);
        boolean keepAlive = version == HttpVersion.HTTP_1_1 ? !close : keepAliveAsked && !close;
        head = new RequestHead(method, target, version, fields == null ? new String[0] : fields, fieldCount,
                length, keepAlive);
        fields = null;
        bodyRemaining = length;
        state = length > 0 ? State.BODY : State.DONE;
    }

    private long parseContentLength(String value) throws InvalidRequestException {
        int n = value.length();
        if (n == 0 || n > 18) {
            throw fail(n == 0 ? 400 : 413, n == 0 ? "Empty Content-Length" : "Request body too large");
        }
        long length = 0;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw fail(400, "Invalid Content-Length");
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }

    private static boolean hasToken(String list, String token) {
        int from = 0;
        int n = list.length();
        while (from <= n) {
            int comma = list.indexOf(',', from);
            int to = comma < 0 ? n : comma;
            int s = from;
            int e = to;
            while (s < e && (list.charAt(s) == ' ' || list.charAt(s) == '\t')) {
                s++;
            }
            while (e > s && (list.charAt(e - 1) == ' ' || list.charAt(e - 1) == '\t')) {
                e--;
            }
            if (e - s == token.length() && list.regionMatches(true, s, token, 0, token.length())) {
                return true;
            }
            if (comma < 0) {
                return false;
            }
            from = comma + 1;
        }
        return false;
    }

    private void reset() {
        state = State.HEAD;
        if (headBytes.length > RETAINED_HEAD_CAPACITY) {
            headBytes = new byte[INITIAL_HEAD_CAPACITY];
        }
        headLength = 0;
        lineStart = 0;
        method = null;
        target = null;
        version = null;
        fieldCount = 0;
        head = null;
        body = null;
        if (nextLimits != null) {
            limits = nextLimits;
            nextLimits = null;
        }
    }

    private InvalidRequestException fail(int status, String message) {
        state = State.FAILED;
        failure = new InvalidRequestException(status, message);
        return failure;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
