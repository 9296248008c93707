package dev.medallion.common.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * An HTTP/1.1 proxy on a loopback port, between an S3 client ({@code endpointOverride} = {@link #endpoint()},
 * path-style) and the emulator, that relays every request faithfully except those a test chose to fail
 * ({@link #inject}). It lets tests prove that code survives what S3 does in production (throttling, server
 * errors, lost answers, cut downloads, dropped connections, requests that never return) against a real
 * store, rather than against a mock that only answers what the test expects.
 * <pre>
 * try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
 *     S3Client client = ... .endpointOverride(proxy.endpoint()) ...;
 *     Injection lost = proxy.inject(Request.s3("PUT", "/_commit/"), Fault.afterForwarding(500), 1);
 *     ...
 * }
 * </pre>
 * Each client connection carries one request: the proxy answers with {@code Connection: close} and opens
 * one upstream connection per request, so that a fault never leaks into the next request and no HTTP
 * framing has to be tracked across requests. Request bodies are read whole into memory before anything
 * else happens (tests upload megabytes, not gigabytes), which lets every fault act on a complete request,
 * but {@link Fault#stallBodyAfter}, which stops reading part way; a request is matched on its head alone;
 * response bodies are streamed as they arrive, by their {@code Content-Length} or else until the upstream
 * closes, and an upstream that fails part way resets the client's connection rather than ending it
 * cleanly, so that only {@link Fault#cutResponseAfter} looks like a clean short body. The proxy answers
 * {@code Expect: 100-continue} itself and forwards the request without it. The {@code Host} header goes
 * upstream as received, since SigV4 signs it.
 * <p>
 * Failures of the proxy itself (an upstream that does not answer, a request it cannot parse, a matcher
 * that throws) are printed to standard error as one line and kept in {@link #failures()}, so that a test can
 * assert there were none. A client that goes away mid-exchange is no failure: clients abort downloads.
 */
public final class FaultProxy implements AutoCloseable {
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = Integer.MAX_VALUE - 8;
    private static final Duration UPSTREAM_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Bounds a wait for an upstream that stops answering: a failing test beats a hanging one. */
    private static final Duration UPSTREAM_READ_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final String upstreamHost;
    private final int upstreamPort;
    private final ServerSocket server;
    private final URI endpoint;
    private final String name;
    private final ExecutorService connections;
    private final Thread acceptor;
    /** Client and upstream sockets in use, for {@link #close()} to end. */
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong requestIds = new AtomicLong();

    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private final List<Injection> injections = new ArrayList<>();
    /** Guarded by {@link #lock}. */
    private final List<Request> requests = new ArrayList<>();
    /** Guarded by {@link #lock}. */
    private final List<String> failures = new ArrayList<>();
    /** Taken by a request {@link Fault#gatherThenOneAtATime} forwards, for its whole exchange with the upstream. */
    private final Object oneAtATime = new Object();
    /** What held requests wait on; {@link #clear()} opens it and puts a new one in its place. Guarded by {@link #lock}. */
    private CountDownLatch release = new CountDownLatch(1);
    /** Guarded by {@link #lock}. */
    private boolean closed;

    private FaultProxy(String upstreamHost, int upstreamPort, ServerSocket server) {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.server = server;
        this.endpoint = URI.create("http://127.0.0.1:" + server.getLocalPort());
        this.name = "FaultProxy 127.0.0.1:" + server.getLocalPort() + " -> " + upstreamHost + ":" + upstreamPort;
        AtomicInteger threads = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "fault-proxy-" + server.getLocalPort() + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy-" + server.getLocalPort() + "-accept");
        this.acceptor.setDaemon(true);
    }

    /**
     * Starts a proxy on a free port of 127.0.0.1 in front of {@code upstream}, an {@code http} URI with
     * a host, an optional port and no path ({@code http://127.0.0.1:5000}).
     */
    public static FaultProxy start(URI upstream) throws IOException {
        requireNonNull(upstream, "upstream is null");
        if (!"http".equalsIgnoreCase(upstream.getScheme()) || upstream.getHost() == null) {
            throw new IllegalArgumentException("The upstream must be an http URI with a host: " + upstream);
        }
        if (upstream.getRawPath() != null && !upstream.getRawPath().isEmpty() && !upstream.getRawPath().equals("/")
                || upstream.getRawQuery() != null) {
            throw new IllegalArgumentException("The proxy forwards paths unchanged: the upstream must have no path or query: " + upstream);
        }
        int port = upstream.getPort() == -1 ? 80 : upstream.getPort();
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        }
        catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        FaultProxy proxy = new FaultProxy(upstream.getHost(), port, server);
        proxy.acceptor.start();
        return proxy;
    }

    /** Where clients send their requests: {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * Applies {@code fault} to the next {@code times} requests that {@code matcher} accepts; after those,
     * such requests pass through again. Injections are consulted in the order they were added, and a
     * request takes the first one that matches and has uses left. The matcher runs on the proxy's threads,
     * under its lock: it should only look at the request.
     */
    public Injection inject(Predicate<Request> matcher, Fault fault, int times) {
        Injection injection = new Injection(matcher, fault, times);
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("The proxy is closed");
            }
            injections.add(injection);
        }
        return injection;
    }

    /** Removes every injection and releases the held requests, whose connections are then reset. */
    public void clear() {
        synchronized (lock) {
            injections.clear();
            release.countDown();
            release = new CountDownLatch(1);
        }
    }

    /** Every request the proxy has received so far, in the order their heads arrived, faulted or not. */
    public List<Request> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /** One line for each time the proxy itself failed (also printed to standard error); empty when all went well. */
    public List<String> failures() {
        synchronized (lock) {
            return List.copyOf(failures);
        }
    }

    /**
     * Stops listening, releases held requests and resets every connection still open, then waits briefly
     * for the connection threads to finish. Never blocks for long: the threads are daemons.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            injections.clear();
            release.countDown();
        }
        try {
            server.close();
        }
        catch (IOException e) {
            fail("could not close the listening socket: " + e);
        }
        for (Socket socket : openSockets) {
            reset(socket);
        }
        connections.shutdownNow();
        try {
            acceptor.join(CLOSE_TIMEOUT.toMillis());
            if (!connections.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("connection threads still running " + CLOSE_TIMEOUT + " after close");
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void acceptLoop() {
        while (!isClosed()) {
            Socket client;
            try {
                client = server.accept();
            }
            catch (IOException e) {
                if (!isClosed()) {
                    fail("accept failed: " + e);
                    pause();
                }
                continue;
            }
            openSockets.add(client);
            try {
                connections.execute(() -> serve(client));
            }
            catch (RejectedExecutionException closing) {
                // close() shut the pool down between accept and here; it resets what it finds open.
                openSockets.remove(client);
                reset(client);
            }
        }
    }

    /** After a failed accept (out of file descriptors, say), so that the loop does not spin. */
    private static void pause() {
        try {
            Thread.sleep(50);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve(Socket client) {
        try {
            client.setTcpNoDelay(true);
            exchange(client);
        }
        catch (BadRequest e) {
            fail("bad request from the client: " + e.getMessage());
            answerQuietly(client, errorResponse(400, "BadRequest", "FaultProxy could not parse the request: " + e.getMessage(), false));
        }
        catch (UpstreamFailure e) {
            if (!isClosed()) {
                fail(e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause()));
                if (e.answered) {
                    // Part of the answer is out: a clean end would pass for a complete (or cut) body.
                    reset(client);
                }
                else {
                    answerQuietly(client, errorResponse(502, "BadGateway", "FaultProxy: " + e.getMessage(), e.head));
                }
            }
        }
        catch (IOException clientGone) {
            // The client closed or reset its connection, or close() did: nothing the proxy did wrong.
        }
        catch (InterruptedException e) {
            // Only close() interrupts the connection threads.
            Thread.currentThread().interrupt();
        }
        catch (RuntimeException e) {
            fail("unexpected " + e + (e.getStackTrace().length > 0 ? " at " + e.getStackTrace()[0] : ""));
            reset(client);
        }
        finally {
            openSockets.remove(client);
            closeQuietly(client);
        }
    }

    /** One request and its answer; the caller closes the client socket. */
    private void exchange(Socket client) throws IOException, InterruptedException {
        InputStream in = new BufferedInputStream(client.getInputStream());
        OutputStream out = new BufferedOutputStream(client.getOutputStream());
        Optional<RequestHead> read = RequestHead.read(in);
        if (read.isEmpty()) {
            return; // Connected and closed without a request.
        }
        RequestHead head = read.get();
        Request request = head.request();
        Injection injection = null;
        CountDownLatch heldUntil;
        synchronized (lock) {
            requests.add(request);
            heldUntil = release;
            for (Injection candidate : injections) {
                if (candidate.claim(request)) {
                    injection = candidate;
                    break;
                }
            }
        }
        if (head.expectsContinue()) {
            out.write(CONTINUE);
            out.flush();
        }
        if (injection != null && injection.fault() instanceof Fault.StallBody stall) {
            // Before the body is read: the client is left sending it.
            in.readNBytes((int) Math.min(stall.bodyBytes(), Integer.MAX_VALUE));
            injection.hit();
            heldUntil.await();
            reset(client);
            return;
        }
        byte[] body = head.readBody(in);
        if (injection == null) {
            relay(out, head, body, Long.MAX_VALUE);
            finish(client, out);
            return;
        }
        injection.hit();
        Fault fault = injection.fault();
        boolean isHead = request.method().equals("HEAD");
        if (fault instanceof Fault.Status status) {
            out.write(errorResponse(status.code(), status.errorCode(), "injected by FaultProxy", isHead));
            finish(client, out);
        }
        else if (fault instanceof Fault.AfterForwarding lost) {
            forwardAndDiscard(head, body);
            out.write(errorResponse(lost.code(), lost.errorCode(), "injected by FaultProxy", isHead));
            finish(client, out);
        }
        else if (fault instanceof Fault.JsonError error) {
            if (error.forwarded()) {
                forwardAndDiscard(head, body);
            }
            out.write(jsonErrorResponse(error.code(), error.errorType()));
            finish(client, out);
        }
        else if (fault instanceof Fault.Delay delay) {
            Thread.sleep(delay.duration().toMillis(), delay.duration().toNanosPart() % 1_000_000);
            relay(out, head, body, Long.MAX_VALUE);
            finish(client, out);
        }
        else if (fault instanceof Fault.DelayUntil until) {
            if (!until.awaited().awaitHits(until.hits(), until.atMost())) {
                fail("a request waited " + until.atMost() + " for " + until.awaited() + " to be applied " + until.hits() + " time(s), and was forwarded without");
            }
            relay(out, head, body, Long.MAX_VALUE);
            finish(client, out);
        }
        else if (fault instanceof Fault.Reset) {
            reset(client);
        }
        else if (fault instanceof Fault.CutResponse cut) {
            relay(out, head, body, cut.bodyBytes());
            finish(client, out);
        }
        else if (fault instanceof Fault.ResetResponse cut) {
            relay(out, head, body, cut.bodyBytes());
            out.flush();
            reset(client);
        }
        else if (fault instanceof Fault.LandsLater late) {
            out.write(errorResponse(late.code(), late.errorCode(), "injected by FaultProxy", isHead));
            finish(client, out);
            heldUntil.await();
            if (!isClosed()) {
                forwardAndDiscard(head, body);
                injection.land();
            }
        }
        else if (fault instanceof Fault.Hold) {
            heldUntil.await();
            reset(client);
        }
        else if (fault instanceof Fault.GatherThenOneAtATime gather) {
            if (!injection.awaitHits(gather.requests(), UPSTREAM_READ_TIMEOUT)) {
                fail("only " + injection.hits() + " of the " + gather.requests() + " requests to gather arrived within " + UPSTREAM_READ_TIMEOUT
                        + ", " + head.describe() + " among them; forwarding them one at a time all the same");
            }
            synchronized (oneAtATime) {
                if (isClosed()) {
                    reset(client);
                    return;
                }
                relay(out, head, body, Long.MAX_VALUE);
                finish(client, out);
            }
        }
        else {
            throw new AssertionError("Unknown fault: " + fault);
        }
    }

    /**
     * Forwards the request and relays the answer: the head with {@code Connection: close}, then at most
     * {@code bodyLimit} bytes of the body.
     */
    private void relay(OutputStream out, RequestHead head, byte[] body, long bodyLimit) throws IOException {
        Socket upstream = connectUpstream();
        try {
            InputStream upstreamIn = send(upstream, head, body);
            ResponseHead response = ResponseHead.read(upstreamIn, head.isHead());
            long length = response.bodyLength(head.isHead());
            // Flushed as it arrives, so that what the client has seen is what the upstream sent when a fault or
            // an upstream failure ends the connection.
            out.write(response.forClient());
            out.flush();
            copyBody(upstreamIn, length, bodyLimit, out, head);
        }
        finally {
            openSockets.remove(upstream);
            closeQuietly(upstream);
        }
    }

    /** Forwards the request and reads the whole answer, which the client never sees. */
    private void forwardAndDiscard(RequestHead head, byte[] body) throws IOException {
        Socket upstream = connectUpstream();
        try {
            InputStream upstreamIn = send(upstream, head, body);
            ResponseHead response = ResponseHead.read(upstreamIn, head.isHead());
            try {
                copyBody(upstreamIn, response.bodyLength(head.isHead()), Long.MAX_VALUE, OutputStream.nullOutputStream(), head);
            }
            catch (UpstreamFailure e) {
                // Nothing reached the client yet: it can still have a 502.
                throw new UpstreamFailure(e.getMessage(), (IOException) e.getCause(), false, head.isHead());
            }
        }
        finally {
            openSockets.remove(upstream);
            closeQuietly(upstream);
        }
    }

    /**
     * Copies a response body: {@code length} bytes when the head gave one (-1: until the upstream closes,
     * which it does after answering a {@code Connection: close} request), but no more than {@code limit}.
     * An upstream that fails or ends early is an {@link UpstreamFailure} (the client has had the head);
     * a client that fails is a plain {@link IOException}.
     */
    private static void copyBody(InputStream upstreamIn, long length, long limit, OutputStream out, RequestHead head) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long left = length < 0 ? limit : Math.min(length, limit);
        while (left > 0) {
            int n;
            try {
                n = upstreamIn.read(buffer, 0, (int) Math.min(buffer.length, left));
            }
            catch (IOException e) {
                throw new UpstreamFailure("upstream failed while sending the body of " + head.describe(), e, true, head.isHead());
            }
            if (n < 0) {
                if (length >= 0) {
                    throw new UpstreamFailure("upstream closed the connection " + (length - Math.min(length, limit) + left)
                            + " bytes short of the Content-Length " + length + " of " + head.describe(), null, true, head.isHead());
                }
                return;
            }
            out.write(buffer, 0, n);
            out.flush();
            left -= n;
        }
    }

    private Socket connectUpstream() throws UpstreamFailure {
        Socket upstream = new Socket();
        openSockets.add(upstream);
        try {
            upstream.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress(upstreamHost, upstreamPort), (int) UPSTREAM_CONNECT_TIMEOUT.toMillis());
            upstream.setSoTimeout((int) UPSTREAM_READ_TIMEOUT.toMillis());
            return upstream;
        }
        catch (IOException e) {
            closeQuietly(upstream);
            openSockets.remove(upstream);
            throw new UpstreamFailure("cannot connect to the upstream " + upstreamHost + ":" + upstreamPort, e, false, false);
        }
    }

    /** Writes the request upstream; returns the stream its answer arrives on. */
    private static InputStream send(Socket upstream, RequestHead head, byte[] body) throws UpstreamFailure {
        try {
            OutputStream upstreamOut = new BufferedOutputStream(upstream.getOutputStream());
            upstreamOut.write(head.forUpstream());
            upstreamOut.write(body);
            upstreamOut.flush();
            return new BufferedInputStream(upstream.getInputStream());
        }
        catch (IOException e) {
            throw new UpstreamFailure("cannot send " + head.describe() + " upstream", e, false, head.isHead());
        }
    }

    /** Ends an answered exchange cleanly: everything written, then FIN. */
    private static void finish(Socket client, OutputStream out) throws IOException {
        out.flush();
        client.shutdownOutput();
    }

    private void answerQuietly(Socket client, byte[] response) {
        try {
            OutputStream out = client.getOutputStream();
            out.write(response);
            out.flush();
            client.shutdownOutput();
        }
        catch (IOException clientGone) {
            // The client is not listening any more; the failure itself has been reported.
        }
    }

    /** An S3 error document with {@code Connection: close}; no body for a HEAD request, as HTTP requires. */
    private byte[] errorResponse(int status, String errorCode, String message, boolean head) {
        String requestId = "FaultProxy-" + requestIds.incrementAndGet();
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + errorCode + "</Code><Message>"
                + escapeXml(message) + "</Message><RequestId>" + requestId + "</RequestId></Error>";
        byte[] document = xml.getBytes(StandardCharsets.UTF_8);
        String responseHead = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "Content-Type: application/xml\r\n"
                + "Content-Length: " + document.length + "\r\n"
                + "x-amz-request-id: " + requestId + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] headBytes = responseHead.getBytes(StandardCharsets.ISO_8859_1);
        if (head) {
            return headBytes;
        }
        byte[] response = new byte[headBytes.length + document.length];
        System.arraycopy(headBytes, 0, response, 0, headBytes.length);
        System.arraycopy(document, 0, response, headBytes.length, document.length);
        return response;
    }

    /** An AWS JSON protocol error (Glue, Athena): the type in {@code x-amzn-ErrorType} and in the body's {@code __type}. */
    private byte[] jsonErrorResponse(int status, String errorType) {
        String requestId = "FaultProxy-" + requestIds.incrementAndGet();
        byte[] document = ("{\"__type\":\"" + errorType + "\",\"message\":\"injected by FaultProxy\"}").getBytes(StandardCharsets.UTF_8);
        String responseHead = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "Content-Type: application/x-amz-json-1.1\r\n"
                + "Content-Length: " + document.length + "\r\n"
                + "x-amzn-RequestId: " + requestId + "\r\n"
                + "x-amzn-ErrorType: " + errorType + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] headBytes = responseHead.getBytes(StandardCharsets.ISO_8859_1);
        byte[] response = new byte[headBytes.length + document.length];
        System.arraycopy(headBytes, 0, response, 0, headBytes.length);
        System.arraycopy(document, 0, response, headBytes.length, document.length);
        return response;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 412 -> "Precondition Failed";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Injected";
        };
    }

    private static String escapeXml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private void fail(String problem) {
        String line = "[" + name + "] " + problem;
        synchronized (lock) {
            failures.add(line);
        }
        System.err.println(line);
    }

    /** RST rather than FIN: what a crashed peer or a dropped connection looks like to the client. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        }
        catch (SocketException alreadyClosed) {
            // Nothing left to reset.
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        }
        catch (IOException e) {
            // Closing a socket only fails when it is already unusable, which is what we wanted.
        }
    }

    /** A request the proxy cannot parse; answered with 400. */
    private static final class BadRequest extends IOException {
        BadRequest(String message) {
            super(message);
        }
    }

    /** The upstream failed, as opposed to the client: the proxy's own failure, reported and answered with 502. */
    private static final class UpstreamFailure extends IOException {
        /** Whether the client has already had (part of) an answer, so that a 502 can no longer be sent. */
        final boolean answered;
        /** Whether the request was a HEAD, whose 502 carries no body. */
        final boolean head;

        UpstreamFailure(String message, IOException cause, boolean answered, boolean head) {
            super(message, cause);
            this.answered = answered;
            this.head = head;
        }
    }

    /** Reads CRLF-terminated (or bare LF) lines in ISO-8859-1, counting against a limit for the whole head. */
    private static final class LineReader {
        private final InputStream in;
        private int budget;

        LineReader(InputStream in, int budget) {
            this.in = in;
            this.budget = budget;
        }

        /** The next line without its terminator, or null at end of stream before any byte of it. */
        String next(String what) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (line.size() == 0) {
                        return null;
                    }
                    throw new EOFException("end of stream in the middle of " + what);
                }
                if (--budget < 0) {
                    throw new BadRequest(what + " longer than " + MAX_HEAD_BYTES + " bytes");
                }
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
                }
                line.write(b);
            }
        }
    }

    /** Header lines as received, for forwarding unchanged, and parsed, for decisions. */
    private static List<String[]> readHeaders(LineReader lines, String what, boolean upstream) throws IOException {
        List<String[]> headers = new ArrayList<>();
        while (true) {
            String line = lines.next(what);
            if (line == null) {
                throw new EOFException("end of stream in the middle of " + what);
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                String problem = "malformed header line in " + what + ": " + line;
                throw upstream ? new IOException(problem) : new BadRequest(problem);
            }
            headers.add(new String[] {line.substring(0, colon).strip(), line.substring(colon + 1).strip()});
        }
    }

    /** The tokens of every {@code Connection} header, lower-cased: the hop-by-hop headers not to forward. */
    private static Set<String> hopByHop(List<String[]> headers) {
        Set<String> names = new HashSet<>(List.of("connection", "keep-alive", "proxy-connection"));
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase("connection")) {
                for (String token : header[1].split(",")) {
                    if (!token.isBlank()) {
                        names.add(token.strip().toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return names;
    }

    /** A request line and its headers. */
    private record RequestHead(String method, String target, String version, List<String[]> headers, Request request) {
        static Optional<RequestHead> read(InputStream in) throws IOException {
            LineReader lines = new LineReader(in, MAX_HEAD_BYTES);
            String requestLine = lines.next("the request line");
            // RFC 9112 lets a server ignore empty lines before the request line.
            while (requestLine != null && requestLine.isEmpty()) {
                requestLine = lines.next("the request line");
            }
            if (requestLine == null) {
                return Optional.empty();
            }
            String[] parts = requestLine.split(" ", -1);
            if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !parts[2].startsWith("HTTP/1.")) {
                throw new BadRequest("malformed request line: " + requestLine);
            }
            List<String[]> headers = readHeaders(lines, "the request head", false);
            String target = parts[1];
            String originForm = target;
            if (target.regionMatches(true, 0, "http://", 0, 7)) {
                int slash = target.indexOf('/', 7);
                originForm = slash < 0 ? "/" : target.substring(slash);
            }
            int question = originForm.indexOf('?');
            String path = question < 0 ? originForm : originForm.substring(0, question);
            String query = question < 0 ? "" : originForm.substring(question + 1);
            Map<String, String> parsed = new LinkedHashMap<>();
            for (String[] header : headers) {
                parsed.merge(header[0].toLowerCase(Locale.ROOT), header[1], (first, second) -> first + ", " + second);
            }
            if (parts[2].equals("HTTP/1.1") && !parsed.containsKey("host")) {
                // RFC 9112 section 3.2; the proxy forwards Host as received, so it must be there.
                throw new BadRequest("an HTTP/1.1 request without a Host header");
            }
            return Optional.of(new RequestHead(parts[0], target, parts[2], List.copyOf(headers), new Request(parts[0], path, query, parsed)));
        }

        boolean isHead() {
            return method.equals("HEAD");
        }

        boolean expectsContinue() {
            return request.header("expect").map(value -> value.equalsIgnoreCase("100-continue")).orElse(false);
        }

        String describe() {
            return method + " " + target;
        }

        /**
         * The body, raw: {@code Content-Length} bytes, or a chunked body with its framing and trailers as
         * received (so the upstream gets exactly what the client sent), or nothing.
         */
        byte[] readBody(InputStream in) throws IOException {
            Optional<String> transferEncoding = request.header("transfer-encoding");
            if (transferEncoding.isPresent()) {
                String[] codings = transferEncoding.get().split(",");
                if (!codings[codings.length - 1].strip().equalsIgnoreCase("chunked")) {
                    throw new BadRequest("a request's last transfer coding must be chunked: " + transferEncoding.get());
                }
                return readChunked(in);
            }
            Optional<String> contentLength = request.header("content-length");
            if (contentLength.isEmpty()) {
                return new byte[0];
            }
            long length = contentLength(contentLength.get());
            byte[] body = in.readNBytes((int) length);
            if (body.length != length) {
                throw new EOFException("end of stream after " + body.length + " of " + length + " body bytes");
            }
            return body;
        }

        private static long contentLength(String value) throws BadRequest {
            // Repeated headers arrive joined by ", "; identical repetitions are allowed, different ones are not.
            long length = -1;
            for (String part : value.split(",")) {
                long parsed;
                try {
                    parsed = Long.parseLong(part.strip());
                }
                catch (NumberFormatException e) {
                    throw new BadRequest("malformed Content-Length: " + value);
                }
                if (parsed < 0 || length >= 0 && parsed != length) {
                    throw new BadRequest("malformed Content-Length: " + value);
                }
                length = parsed;
            }
            if (length > MAX_BODY_BYTES) {
                throw new BadRequest("a body of " + length + " bytes is more than the proxy buffers");
            }
            return length;
        }

        private static byte[] readChunked(InputStream in) throws IOException {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            LineReader lines = new LineReader(in, Integer.MAX_VALUE);
            while (true) {
                String sizeLine = lines.next("a chunk size line");
                if (sizeLine == null) {
                    throw new EOFException("end of stream before the last chunk");
                }
                raw.writeBytes((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                int semicolon = sizeLine.indexOf(';');
                String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip();
                long size;
                try {
                    size = Long.parseLong(hex, 16);
                }
                catch (NumberFormatException e) {
                    throw new BadRequest("malformed chunk size: " + sizeLine);
                }
                if (size < 0 || raw.size() + size > MAX_BODY_BYTES) {
                    throw new BadRequest("a chunk of " + size + " bytes is more than the proxy buffers");
                }
                if (size == 0) {
                    // Trailer fields, then the empty line that ends the body.
                    while (true) {
                        String trailer = lines.next("the chunked body's trailers");
                        if (trailer == null) {
                            throw new EOFException("end of stream in the chunked body's trailers");
                        }
                        raw.writeBytes((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        if (trailer.isEmpty()) {
                            return raw.toByteArray();
                        }
                    }
                }
                byte[] data = in.readNBytes((int) size);
                if (data.length != size) {
                    throw new EOFException("end of stream in the middle of a chunk");
                }
                raw.writeBytes(data);
                String end = lines.next("the end of a chunk");
                if (end == null || !end.isEmpty()) {
                    throw new BadRequest("a chunk is not followed by CRLF");
                }
                raw.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
        }

        /** The head as the upstream gets it: hop-by-hop headers and {@code Expect: 100-continue} dropped, {@code Connection: close} added. */
        byte[] forUpstream() {
            Set<String> dropped = hopByHop(headers);
            StringBuilder head = new StringBuilder(method).append(' ').append(target).append(' ').append(version).append("\r\n");
            for (String[] header : headers) {
                String lowerCased = header[0].toLowerCase(Locale.ROOT);
                if (dropped.contains(lowerCased) || lowerCased.equals("expect") && header[1].equalsIgnoreCase("100-continue")) {
                    continue;
                }
                head.append(header[0]).append(": ").append(header[1]).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            return head.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** A final response's status line and headers, as the upstream sent them. */
    private record ResponseHead(String statusLine, List<String[]> headers) {
        /** Skips interim (1xx) responses, which the proxy does not relay: it answered 100-continue itself. */
        static ResponseHead read(InputStream in, boolean headRequest) throws UpstreamFailure {
            try {
                while (true) {
                    LineReader lines = new LineReader(in, MAX_HEAD_BYTES);
                    String statusLine = lines.next("the response's status line");
                    if (statusLine == null) {
                        throw new EOFException("the upstream closed the connection without answering");
                    }
                    String[] parts = statusLine.split(" ", 3);
                    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[0-9]{3}")) {
                        throw new IOException("malformed status line: " + statusLine);
                    }
                    List<String[]> headers = readHeaders(lines, "the response head", true);
                    if (parts[1].charAt(0) != '1' || parts[1].equals("101")) {
                        return new ResponseHead(statusLine, List.copyOf(headers));
                    }
                }
            }
            catch (IOException e) {
                throw new UpstreamFailure("no answer from the upstream" + (headRequest ? " to a HEAD request" : ""), e, false, headRequest);
            }
        }

        /**
         * How many body bytes follow the head: none for HEAD requests, 1xx, 204 and 304 answers; the
         * {@code Content-Length} when there is one and no {@code Transfer-Encoding}; otherwise -1, until
         * the upstream closes the connection (relayed raw, chunk framing included).
         */
        long bodyLength(boolean headRequest) throws UpstreamFailure {
            String status = statusLine.split(" ", 3)[1];
            if (headRequest || status.startsWith("1") || status.equals("204") || status.equals("304")) {
                return 0;
            }
            String length = null;
            for (String[] header : headers) {
                if (header[0].equalsIgnoreCase("transfer-encoding")) {
                    return -1;
                }
                if (header[0].equalsIgnoreCase("content-length")) {
                    if (length != null && !length.equals(header[1])) {
                        throw new UpstreamFailure("the upstream sent two Content-Lengths: " + length + ", " + header[1], null, false, headRequest);
                    }
                    length = header[1];
                }
            }
            if (length == null) {
                return -1;
            }
            try {
                long parsed = Long.parseLong(length);
                if (parsed >= 0) {
                    return parsed;
                }
            }
            catch (NumberFormatException e) {
                // Reported below.
            }
            throw new UpstreamFailure("the upstream sent a malformed Content-Length: " + length, null, false, headRequest);
        }

        /** The head as the client gets it: hop-by-hop headers dropped, {@code Connection: close} added. */
        byte[] forClient() {
            Set<String> dropped = hopByHop(headers);
            StringBuilder head = new StringBuilder(statusLine).append("\r\n");
            for (String[] header : headers) {
                if (!dropped.contains(header[0].toLowerCase(Locale.ROOT))) {
                    head.append(header[0]).append(": ").append(header[1]).append("\r\n");
                }
            }
            head.append("Connection: close\r\n\r\n");
            return head.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
