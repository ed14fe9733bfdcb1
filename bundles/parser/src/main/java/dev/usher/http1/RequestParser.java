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
 * Bodies framed by {@code Content-Length} and by chunked transfer coding are both handed out
 * as plain body bytes, the chunked ones decoded as they arrive. Input the parser cannot frame
 * unambiguously raises {@link InvalidRequestException} with the status it deserves, decided as
 * soon as the offending byte arrives; from then on every call raises it again. One parser
 * serves one connection; it is not thread-safe.
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

    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS, DONE, FAILED }

    /** Longer than any method a server could know: refused with 501 without waiting for more. */
    public static final int MAX_METHOD_LENGTH = 24;
    /** The most significant hexadecimal digits of a chunk size (leading zeros aside): 16 make a 64-bit length. */
    public static final int MAX_CHUNK_SIZE_DIGITS = 16;
    /** The most bytes of chunk extensions on one chunk-size line. */
    public static final int MAX_CHUNK_EXTENSION_LENGTH = 1024;

    private static final int INITIAL_HEAD_CAPACITY = 512;
    private static final int RETAINED_HEAD_CAPACITY = 8192;
    private static final int INITIAL_FIELDS = 16;
    private static final byte[] HTTP_SLASH = "HTTP/".getBytes(StandardCharsets.US_ASCII);
    private static final String[] KNOWN_METHODS = {
        "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT",
    };
    private static final String[] NO_FIELDS = new String[0];
    private static final int OVERFLOW = -2;

    private ParserLimits limits;
    private ParserLimits nextLimits;
    private State state = State.HEAD;

    /** Bytes of the head, or of the current chunk-size or trailer line. */
    private byte[] lineBytes = new byte[INITIAL_HEAD_CAPACITY];
    private int length;
    private int lineStart;
    /** Where the request-line scan for spaces has got to, and the spaces found. */
    private int scanned;
    private int firstSpace = -1;
    private int secondSpace = -1;

    private String method;
    private String target;
    private HttpVersion version;
    private String[] fields;
    private int fieldCount;

    private RequestHead head;
    private long bodyRemaining;
    private long bodyReceived;
    /** How many hexadecimal digits the chunk-size line being read starts with. */
    private int sizeDigits;
    private int trailerBytes;
    private int trailerCount;
    private ByteBuffer body;
    private InvalidRequestException failure;

    /** A parser that enforces {@code limits}. */
    public RequestParser(ParserLimits limits) {
        this.limits = limits;
    }

    /** Enforces {@code limits} from the next request on; the one in progress keeps its own. */
    public void limits(ParserLimits limits) {
        if (idle()) {
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
        while (true) {
            switch (state) {
                case HEAD:
                    return readHead(input);
                case BODY:
                    return readBody(input);
                case CHUNK_SIZE:
                    if (!readChunkSize(input)) {
                        return Step.NEED_INPUT;
                    }
                    break;
                case CHUNK_DATA:
                    return readBody(input);
                case CHUNK_DATA_END:
                    if (!readChunkDataEnd(input)) {
                        return Step.NEED_INPUT;
                    }
                    break;
                case TRAILERS:
                    if (!readTrailers(input)) {
                        return Step.NEED_INPUT;
                    }
                    break;
                case DONE:
                    reset();
                    return Step.END;
                default:
                    throw failure;
            }
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
        return state == State.HEAD && length == 0;
    }

    /** Whether a request head has started arriving but is not complete yet. */
    public boolean readingHead() {
        return state == State.HEAD && length > 0;
    }

    /** How many bytes of a request head not complete yet have arrived; 0 when none is arriving. */
    public int headBytes() {
        return state == State.HEAD ? length : 0;
    }

    /** How many trailer fields the last chunked body ended with (they are checked, not kept). */
    public int trailerCount() {
        return trailerCount;
    }

    private Step readHead(ByteBuffer input) throws InvalidRequestException {
        while (input.hasRemaining()) {
            int lineFeed = appendLine(input, limits.maxHeaderSize());
            if (lineFeed == OVERFLOW) {
                if (method == null) {
                    // what the bytes that fit already show comes first, whatever the split
                    checkRequestLineSoFar();
                }
                throw fail(431, "Request header fields too large");
            }
            if (method == null) {
                // before judging the line's end, as a byte-by-byte arrival would have
                checkRequestLineSoFar();
            }
            if (lineFeed < 0) {
                return Step.NEED_INPUT;
            }
            int lineEnd = lineEndBeforeCrlf();
            if (lineEnd == lineStart) {
                if (method != null) {
                    completeHead();
                    return Step.HEAD;
                }
                // RFC 9112 2.2: empty lines before the request line are ignored.
            } else if (method == null) {
                parseRequestLine(lineStart, lineEnd);
            } else {
                parseField(lineStart, lineEnd, false);
            }
            lineStart = length;
            scanned = length;
        }
        return Step.NEED_INPUT;
    }

    /**
     * Appends input up to and including the next LF to {@link #lineBytes}, holding fewer than
     * {@code limit} bytes.
     *
     * @return the index of the LF in {@code lineBytes}; -1 when the input ran out first;
     *     {@link #OVERFLOW} when the limit was reached first (what fits has been appended)
     */
    private int appendLine(ByteBuffer input, int limit) {
        int start = input.position();
        int end = input.limit();
        int lineFeed = -1;
        for (int i = start; i < end; i++) {
            if (input.get(i) == '\n') {
                lineFeed = i;
                break;
            }
        }
        int stop = lineFeed < 0 ? end : lineFeed + 1;
        int count = stop - start;
        boolean overflow = (long) length + count >= limit;
        if (overflow) {
            count = Math.max(0, limit - 1 - length);
            stop = start + count;
        }
        if (length + count > lineBytes.length) {
            lineBytes = Arrays.copyOf(lineBytes, Math.max(length + count, lineBytes.length * 2));
        }
        input.get(start, lineBytes, length, count);
        input.position(stop);
        length += count;
        return overflow ? OVERFLOW : lineFeed < 0 ? -1 : length - 1;
    }

    /** The end of the line just completed, without its CRLF; a bare LF is refused. */
    private int lineEndBeforeCrlf() throws InvalidRequestException {
        int lineFeed = length - 1;
        if (lineFeed == lineStart || lineBytes[lineFeed - 1] != '\r') {
            throw fail(400, "Line not ended by CRLF");
        }
        return lineFeed - 1;
    }

    /**
     * Decides what an incomplete request line already shows, byte by byte in order, so that
     * any split of the input gives the same answer: a byte no method holds (400), a method
     * longer than any known (501), a request-target over the limit (414).
     */
    private void checkRequestLineSoFar() throws InvalidRequestException {
        byte[] b = lineBytes;
        for (int i = scanned; i < length; i++) {
            byte c = b[i];
            if (c == '\r' || c == '\n' || secondSpace >= 0) {
                continue;
            }
            if (c == ' ') {
                if (firstSpace < 0) {
                    firstSpace = i;
                } else {
                    secondSpace = i;
                }
            } else if (firstSpace < 0) {
                if (!Chars.isTchar(c)) {
                    throw fail(400, "Malformed request line");
                }
                if (i - lineStart + 1 > MAX_METHOD_LENGTH) {
                    throw fail(501, "Method not implemented");
                }
            } else if (i - firstSpace > limits.maxTargetLength()) {
                throw fail(414, "Request-target too long");
            }
        }
        scanned = length;
    }

    private void parseRequestLine(int start, int end) throws InvalidRequestException {
        byte[] b = lineBytes;
        int i = start;
        while (i < end && Chars.isTchar(b[i])) {
            i++;
        }
        if (i == start || i == end || b[i] != ' ') {
            throw fail(400, "Malformed request line");
        }
        if (i - start > MAX_METHOD_LENGTH) {
            throw fail(501, "Method not implemented");
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
        if (targetEnd - targetStart > limits.maxTargetLength()) {
            throw fail(414, "Request-target too long");
        }
        version = version(i, end);
        target = new String(b, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
        checkTargetForm(parsedMethod);
        method = parsedMethod;
    }

    /** Origin-form, absolute-form, or asterisk-form for OPTIONS only (RFC 9112 3.2). */
    private void checkTargetForm(String parsedMethod) throws InvalidRequestException {
        char first = target.charAt(0);
        if (first == '/') {
            return;
        }
        if (target.equals("*")) {
            if (!parsedMethod.equals("OPTIONS")) {
                throw fail(400, "Asterisk-form is for OPTIONS only");
            }
            return;
        }
        int colon = target.indexOf("://");
        if (colon > 0 && isScheme(target, colon) && colon + 3 < target.length()) {
            return;
        }
        throw fail(400, "Malformed request-target");
    }

    private static boolean isScheme(String s, int end) {
        if (!Character.isLetter(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < end; i++) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private String method(int start, int end) {
        int methodLength = end - start;
        for (String known : KNOWN_METHODS) {
            if (known.length() == methodLength && matches(known, start)) {
                return known;
            }
        }
        return new String(lineBytes, start, methodLength, StandardCharsets.US_ASCII);
    }

    private boolean matches(String ascii, int at) {
        for (int k = 0; k < ascii.length(); k++) {
            if (lineBytes[at + k] != ascii.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private HttpVersion version(int start, int end) throws InvalidRequestException {
        byte[] b = lineBytes;
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

    /** Parses one field line; a trailer is checked the same way but not kept. */
    private void parseField(int start, int end, boolean trailer) throws InvalidRequestException {
        byte[] b = lineBytes;
        if (b[start] == ' ' || b[start] == '\t') {
            throw fail(400, "Obsolete line folding is not accepted");
        }
        int i = start;
        while (i < end && Chars.isTchar(b[i])) {
            i++;
        }
        if (i == start || i == end || b[i] != ':') {
            throw fail(400, trailer ? "Malformed trailer field" : "Malformed header field");
        }
        int nameEnd = i;
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
                throw fail(400, "Invalid character in a field value");
            }
        }
        if (trailer) {
            trailerCount++;
            return;
        }
        if (fields == null) {
            fields = new String[2 * INITIAL_FIELDS];
        } else if (2 * fieldCount == fields.length) {
            fields = Arrays.copyOf(fields, fields.length * 2);
        }
        fields[2 * fieldCount] = FieldNames.lowerCase(b, start, nameEnd - start);
        fields[2 * fieldCount + 1] = new String(b, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
        fieldCount++;
    }

    private void completeHead() throws InvalidRequestException {
        long contentLength = -1;
        int hosts = 0;
        int codings = 0;
        boolean chunked = false;
        boolean close = false;
        boolean keepAliveAsked = false;
        boolean expectContinue = false;
        for (int i = 0; i < fieldCount; i++) {
            String value = fields[2 * i + 1];
            switch (fields[2 * i]) {
                case "content-length": {
                    long parsed = parseContentLength(value);
                    if (contentLength >= 0 && contentLength != parsed) {
                        throw fail(400, "Conflicting Content-Length fields");
                    }
                    contentLength = parsed;
                    break;
                }
                case "transfer-encoding":
                    for (String coding : value.split(",", -1)) {
                        String trimmed = coding.strip();
                        if (!trimmed.isEmpty()) {
                            codings++;
                            chunked = codings == 1 && trimmed.equalsIgnoreCase("chunked");
                        }
                    }
                    if (codings == 0) {
                        throw fail(400, "Empty Transfer-Encoding");
                    }
                    break;
                case "host":
                    hosts++;
                    if (!validHost(value)) {
                        throw fail(400, "Invalid Host header");
                    }
                    break;
                case "connection":
                    close |= hasToken(value, "close");
                    keepAliveAsked |= hasToken(value, "keep-alive");
                    break;
                case "expect":
                    if (!value.equalsIgnoreCase("100-continue")) {
                        throw fail(417, "Only 100-continue can be expected");
                    }
                    expectContinue = true;
                    break;
                default:
                    break;
            }
        }
        if (codings > 0) {
            if (version == HttpVersion.HTTP_1_0) {
                throw fail(400, "Transfer-Encoding is not allowed in HTTP/1.0");
            }
            if (contentLength >= 0) {
                throw fail(400, "Transfer-Encoding and Content-Length together");
            }
            if (!chunked || codings > 1) {
                throw fail(501, "Only a single chunked transfer coding is implemented");
            }
        }
        if (version == HttpVersion.HTTP_1_1 && hosts != 1) {
            throw fail(400, hosts == 0 ? "Missing Host header" : "More than one Host header");
        }
        if (contentLength >= limits.maxBodySize()) {
            throw fail(413, "Request body too large");
        }
        long bodyLength = chunked ? -1 : Math.max(contentLength, 0);
        boolean keepAlive = version == HttpVersion.HTTP_1_1 ? !close : keepAliveAsked && !close;
        head = new RequestHead(method, target, version, fields == null ? NO_FIELDS : fields, fieldCount,
                bodyLength, keepAlive, expectContinue && version == HttpVersion.HTTP_1_1 && bodyLength != 0);
        fields = null;
        bodyReceived = 0;
        if (chunked) {
            startLine();
            state = State.CHUNK_SIZE;
        } else {
            bodyRemaining = bodyLength;
            state = bodyLength > 0 ? State.BODY : State.DONE;
        }
    }

    /** Hands out the body bytes at hand, of a Content-Length body or of a chunk's data. */
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
        bodyReceived += count;
        if (bodyRemaining == 0) {
            if (state == State.CHUNK_DATA) {
                startLine();
                state = State.CHUNK_DATA_END;
            } else {
                state = State.DONE;
            }
        }
        return Step.BODY;
    }

    /** Reads a chunk-size line; true once it is complete and the state has moved on. */
    private boolean readChunkSize(ByteBuffer input) throws InvalidRequestException {
        int lineFeed = appendLine(input, MAX_CHUNK_SIZE_DIGITS + MAX_CHUNK_EXTENSION_LENGTH + 3);
        long size = chunkSizeSoFar();
        int extensionEnd = lineFeed < 0 ? length : lineEndBeforeCrlf();
        while (lineFeed < 0 && extensionEnd > sizeDigits && lineBytes[extensionEnd - 1] == '\r') {
            extensionEnd--;
        }
        if (lineFeed == OVERFLOW) {
            throw fail(400, "Chunk-size line too long");
        }
        if (extensionEnd - sizeDigits > MAX_CHUNK_EXTENSION_LENGTH) {
            throw fail(400, "Chunk extensions too long");
        }
        if (lineFeed < 0) {
            return false;
        }
        if (sizeDigits == 0) {
            throw fail(400, "Malformed chunk size");
        }
        checkChunkExtensions(sizeDigits, extensionEnd);
        if (size == 0) {
            startLine();
            trailerBytes = 0;
            trailerCount = 0;
            state = State.TRAILERS;
        } else {
            bodyRemaining = size;
            state = State.CHUNK_DATA;
        }
        return true;
    }

    /**
     * The chunk size the digits so far spell; refuses at once a size that is already too long or
     * too large, whatever follows.
     */
    private long chunkSizeSoFar() throws InvalidRequestException {
        long size = 0;
        sizeDigits = 0;
        int significant = 0;
        for (int i = 0; i < length; i++) {
            int digit = Character.digit(lineBytes[i], 16);
            if (digit < 0) {
                break;
            }
            sizeDigits++;
            // 1*HEXDIG allows any run of leading zeros; the line's own bound limits it
            if ((size != 0 || digit != 0) && ++significant > MAX_CHUNK_SIZE_DIGITS) {
                throw fail(413, "Chunk size too large");
            }
            size = size << 4 | digit;
            if (size < 0 || bodyReceived + size >= limits.maxBodySize()) {
                throw fail(413, "Request body too large");
            }
        }
        return size;
    }

    /** chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ), RFC 9112 7.1.1. */
    private void checkChunkExtensions(int from, int end) throws InvalidRequestException {
        byte[] b = lineBytes;
        int i = from;
        while (i < end) {
            i = skipWhitespace(i, end);
            if (i == end || b[i] != ';') {
                throw fail(400, "Malformed chunk size or extension");
            }
            i = skipWhitespace(i + 1, end);
            int name = i;
            while (i < end && Chars.isTchar(b[i])) {
                i++;
            }
            if (i == name) {
                throw fail(400, "Malformed chunk extension");
            }
            int afterName = skipWhitespace(i, end);
            if (afterName < end && b[afterName] == '=') {
                i = skipWhitespace(afterName + 1, end);
                i = chunkExtensionValueEnd(i, end);
            }
        }
    }

    private int chunkExtensionValueEnd(int i, int end) throws InvalidRequestException {
        byte[] b = lineBytes;
        if (i < end && b[i] == '"') {
            i++;
            while (i < end && b[i] != '"') {
                if (b[i] == '\\') {
                    i++;
                }
                if (i >= end || !(Chars.isFieldValue(b[i]))) {
                    throw fail(400, "Malformed chunk extension");
                }
                i++;
            }
            if (i >= end) {
                throw fail(400, "Malformed chunk extension");
            }
            return i + 1;
        }
        int start = i;
        while (i < end && Chars.isTchar(b[i])) {
            i++;
        }
        if (i == start) {
            throw fail(400, "Malformed chunk extension");
        }
        return i;
    }

    private int skipWhitespace(int i, int end) {
        while (i < end && (lineBytes[i] == ' ' || lineBytes[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** Reads the CRLF after chunk data; true once it is there. */
    private boolean readChunkDataEnd(ByteBuffer input) throws InvalidRequestException {
        while (length < 2) {
            if (!input.hasRemaining()) {
                return false;
            }
            byte b = input.get();
            if (b != (length == 0 ? '\r' : '\n')) {
                throw fail(400, "Chunk data not followed by CRLF");
            }
            length++;
        }
        startLine();
        state = State.CHUNK_SIZE;
        return true;
    }

    /** Reads trailer fields up to the empty line; true once the body is complete. */
    private boolean readTrailers(ByteBuffer input) throws InvalidRequestException {
        while (input.hasRemaining()) {
            int lineFeed = appendLine(input, limits.maxHeaderSize() - trailerBytes);
            if (lineFeed == OVERFLOW) {
                throw fail(431, "Trailer fields too large");
            }
            if (lineFeed < 0) {
                return false;
            }
            int lineEnd = lineEndBeforeCrlf();
            if (lineEnd == 0) {
                state = State.DONE;
                return true;
            }
            parseField(0, lineEnd, true);
            trailerBytes += length;
            startLine();
        }
        return false;
    }

    /** Starts collecting a new line of the body's framing at the start of the buffer. */
    private void startLine() {
        length = 0;
        lineStart = 0;
    }

    /**
     * RFC 9110 7.2: {@code uri-host [ ":" port ]}, the host a reg-name (unreserved,
     * percent-encoded or sub-delims characters; an IPv4 address is one) or an IP-literal in
     * brackets; an empty Host is allowed (RFC 9112 3.2 for targets without authority).
     */
    static boolean validHost(String value) {
        int end = value.length();
        int i = 0;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 2) {
                return false;
            }
            for (int k = 1; k < close; k++) {
                char c = value.charAt(k);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.' || (c >= 'g' && c <= 'z')
                        || (c >= 'G' && c <= 'Z') || c == '-' || c == '_' || c == '~')) {
                    return false;
                }
            }
            i = close + 1;
        } else {
            while (i < end && value.charAt(i) != ':') {
                char c = value.charAt(i);
                boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '.' || c == '_' || c == '~';
                boolean subDelim = "!$&'()*+,;=".indexOf(c) >= 0;
                if (c == '%') {
                    if (i + 2 >= end || Character.digit(value.charAt(i + 1), 16) < 0
                            || Character.digit(value.charAt(i + 2), 16) < 0) {
                        return false;
                    }
                    i += 2;
                } else if (!unreserved && !subDelim) {
                    return false;
                }
                i++;
            }
        }
        if (i == end) {
            return true;
        }
        if (value.charAt(i) != ':') {
            return false;
        }
        for (int k = i + 1; k < end; k++) {
            if (value.charAt(k) < '0' || value.charAt(k) > '9') {
                return false;
            }
        }
        return true;
    }

    private long parseContentLength(String value) throws InvalidRequestException {
        int n = value.length();
        if (n == 0) {
            throw fail(400, "Empty Content-Length");
        }
        long parsed = 0;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw fail(400, "Invalid Content-Length");
            }
            if (parsed > (Long.MAX_VALUE - 9) / 10) {
                throw fail(413, "Request body too large");
            }
            parsed = parsed * 10 + (c - '0');
        }
        return parsed;
    }

    private static boolean hasToken(String list, String token) {
        for (String element : list.split(",", -1)) {
            if (element.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    private void reset() {
        state = State.HEAD;
        if (lineBytes.length > RETAINED_HEAD_CAPACITY) {
            lineBytes = new byte[INITIAL_HEAD_CAPACITY];
        }
        length = 0;
        lineStart = 0;
        scanned = 0;
        firstSpace = -1;
        secondSpace = -1;
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
