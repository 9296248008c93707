package dev.medallion.common.testing;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * What {@link FaultProxy} does to a request instead of relaying it faithfully: the ways a request to S3
 * fails in production, each one reproducible on purpose.
 * <ul>
 * <li>{@link #status} and {@link #reset}: the request never reaches the store (throttling, a server
 *     error, a dropped connection);</li>
 * <li>{@link #afterForwarding}: the request took effect but its answer was lost, so a client that retries
 *     repeats something that already happened;</li>
 * <li>{@link #landsLater}: the request takes effect only after its client has seen it fail;</li>
 * <li>{@link #cutResponseAfter} and {@link #resetResponseAfter}: a download that stops part way, cleanly
 *     or with an error;</li>
 * <li>{@link #delay}: a slow answer;</li>
 * <li>{@link #hold}: an answer that never comes, so a test can kill a process while its request is in
 *     flight;</li>
 * <li>{@link #stallBodyAfter}: an upload whose connection stops taking its body part way (a NAT or proxy that
 *     dropped the flow, a network handover), so that the client's write blocks;</li>
 * <li>{@link #gatherThenOneAtATime}: requests that race, all sent before any is served, then served one
 *     after another, as a service that decides each atomically serves them.</li>
 * </ul>
 * Every fault but {@link #stallBodyAfter} reads the whole request (headers and body) from the client before
 * it acts, so that the client is never interrupted while sending and the fault is what the client sees.
 * <p>
 * Mind the JDK under the SDK's URL connection client: when a connection ends before the first byte of an
 * answer ({@link #reset}, a released {@link #hold}), {@code HttpURLConnection} silently sends the same
 * request again once on a new connection if it has no streamed body: GET, HEAD and DELETE, the same
 * signed request ({@code amz-sdk-request: attempt=1}), below the SDK's retries. PUT and POST are streamed
 * with a fixed length by the SDK and are not sent again. To make a GET, HEAD or DELETE fail that way, inject
 * the fault for two requests per SDK attempt.
 */
public sealed interface Fault {
    /**
     * Answers without forwarding: {@code code} with an S3 error document whose {@code <Code>} is the one S3
     * uses for that status ({@code SlowDown} for 503, {@code InternalError} for 500 and other 5xx, see
     * {@link #errorCodeFor}). A code of 200 gives S3's "200 with an error body", which CompleteMultipartUpload
     * and CopyObject can answer.
     */
    static Fault status(int code) {
        return new Status(code, errorCodeFor(code));
    }

    /** As {@link #status(int)} with this {@code <Code>}, such as {@code RequestTimeout} with 400. */
    static Fault status(int code, String errorCode) {
        return new Status(code, errorCode);
    }

    /**
     * Forwards the request, so that its side effect happens upstream, discards the answer and answers the
     * client as {@link #status(int)} does: a lost response.
     */
    static Fault afterForwarding(int code) {
        return new AfterForwarding(code, errorCodeFor(code));
    }

    /** As {@link #afterForwarding(int)} with this {@code <Code>}. */
    static Fault afterForwarding(int code, String errorCode) {
        return new AfterForwarding(code, errorCode);
    }

    /**
     * Answers without forwarding as a service of the AWS JSON protocol (Glue, Athena) refuses a request:
     * {@code code} with the header {@code x-amzn-ErrorType} and a body {@code {"__type": ..., "message": ...}},
     * from which the SDK builds the service's modelled exception of that name, such as Glue's
     * {@code ConcurrentModificationException}. {@link #status} answers with S3's XML, in which such a client
     * finds no error code.
     */
    static Fault jsonError(int code, String errorType) {
        return new JsonError(code, errorType, false);
    }

    /** As {@link #jsonError}, after forwarding the request so that it takes effect: a refusal of what happened. */
    static Fault jsonErrorAfterForwarding(int code, String errorType) {
        return new JsonError(code, errorType, true);
    }

    /** Waits, then forwards the request and relays the answer as usual. */
    static Fault delay(Duration duration) {
        return new Delay(duration);
    }

    /**
     * Waits until another injection has been applied to {@code hits} requests, then forwards the request and relays the
     * answer as usual: orders two requests of one run by what happened, not by a guess at how long the first takes, which a
     * loaded machine outlasts. When {@code atMost} passes first, the proxy reports it among its {@link FaultProxy#failures()}
     * and forwards the request all the same.
     */
    static Fault delayUntil(Injection awaited, int hits, Duration atMost) {
        return new DelayUntil(awaited, hits, atMost);
    }

    /** Does not forward; resets the client's connection (RST) without an answer. */
    static Fault reset() {
        return new Reset();
    }

    /**
     * Forwards the request; relays the response head and the first {@code bodyBytes} of the body (as on the
     * wire: chunk framing counts), then ends the connection cleanly (FIN). To a client that does not check
     * the length it looks like a complete, shorter body. A shorter body arrives whole.
     * <p>
     * The SDK's S3 client with the URL connection client (2.57.8) is such a client: GetObject's stream ends
     * normally after the bytes that arrived, although {@code Content-Length} promised more, unless the
     * response carries a checksum the SDK validates (moto sends none).
     */
    static Fault cutResponseAfter(long bodyBytes) {
        return new CutResponse(bodyBytes);
    }

    /**
     * As {@link #cutResponseAfter}, but resets the connection (RST) instead. The reset discards what the
     * proxy's kernel has not yet sent, so at most {@code bodyBytes} arrive, possibly fewer.
     */
    static Fault resetResponseAfter(long bodyBytes) {
        return new ResetResponse(bodyBytes);
    }

    /**
     * Answers as {@link #status(int)} does, without forwarding, and keeps the request: once the test
     * releases held requests ({@link FaultProxy#clear()}), forwards it and discards the answer. A write
     * that lands after its client gave up on it, as S3 can complete a request whose client timed out or
     * lost the connection. {@link Injection#awaitLanded} waits for the forwarding; {@link FaultProxy#close()}
     * forwards nothing.
     */
    static Fault landsLater(int code) {
        return new LandsLater(code, errorCodeFor(code));
    }

    /**
     * Does not forward; keeps the client waiting until {@link FaultProxy#clear()} or
     * {@link FaultProxy#close()}, which reset the connection.
     */
    static Fault hold() {
        return new Hold();
    }

    /**
     * Does not forward; reads the request's head and the first {@code bodyBytes} of its body (as on the wire:
     * chunk framing counts; the proxy's read buffer may take up to 8 KiB more), then stops reading and answers
     * nothing, keeping the connection open until {@link FaultProxy#clear()} or {@link FaultProxy#close()},
     * which reset it. The client's write then blocks once the kernel's buffers between the two are full: its
     * send buffer (on Linux up to {@code net.ipv4.tcp_wmem}'s maximum, 4 MiB by default) and the proxy's
     * receive window. Java sockets have no write timeout ({@code Socket.setSoTimeout} bounds reads only), so
     * such a client waits until something else ends the request. To stall a client in its write, a test sends a
     * body some MiB longer than {@code bodyBytes}; a shorter one fits in the buffers whole, and its client then
     * waits for an answer, as with {@link #hold}.
     * <p>
     * The request is matched before its body arrives, as all requests are: on its method, path, query and
     * headers only, which is all such a request has.
     */
    static Fault stallBodyAfter(long bodyBytes) {
        return new StallBody(bodyBytes);
    }

    /**
     * Holds each request it takes until it has taken {@code requests} of them, then forwards them one at a
     * time (the next only once the previous one's answer has been relayed whole) and relays each answer
     * as usual. For requests that race on purpose: every racer has sent its request (and so has decided to,
     * on what it read before) before any of them takes effect, and the emulator then serves them as a
     * service that makes each one atomically would, whatever locking the emulator lacks. moto 5.2.1's Glue
     * checks that a table or partition is missing and then adds it with no lock between
     * ({@code moto/glue/models.py}, {@code create_table}, {@code FakeTable.create_partition}), so two
     * CreateTables that arrive together can both succeed there, where Glue answers all but one with
     * {@code AlreadyExistsException} (an error of CreateTable, and of BatchCreatePartition's entries:
     * https://docs.aws.amazon.com/glue/latest/webapi/API_CreateTable.html).
     * <p>
     * Inject it for exactly {@code requests} requests. When fewer arrive within a minute, the proxy reports
     * the shortfall among its {@link FaultProxy#failures()} and forwards those it holds, one at a time;
     * {@link FaultProxy#clear()} does not release them, {@link FaultProxy#close()} resets them unforwarded.
     */
    static Fault gatherThenOneAtATime(int requests) {
        return new GatherThenOneAtATime(requests);
    }

    /**
     * The {@code <Code>} S3 sends with this status: {@code SlowDown} (503), {@code InternalError} (500, 200
     * and other 5xx), {@code NotImplemented} (501), {@code AccessDenied} (403), {@code NoSuchKey} (404),
     * {@code OperationAborted} (409), {@code PreconditionFailed} (412), {@code InvalidRequest} (other 4xx).
     */
    static String errorCodeFor(int status) {
        checkStatus(status);
        return switch (status) {
            case 503 -> "SlowDown";
            case 501 -> "NotImplemented";
            case 403 -> "AccessDenied";
            case 404 -> "NoSuchKey";
            case 409 -> "OperationAborted";
            case 412 -> "PreconditionFailed";
            default -> status >= 400 && status < 500 ? "InvalidRequest" : "InternalError";
        };
    }

    private static void checkStatus(int status) {
        if (status != 200 && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("An injected status is 200 or 400-599, an error S3 could answer: " + status);
        }
    }

    private static void checkErrorCode(String errorCode) {
        requireNonNull(errorCode, "errorCode is null");
        // S3 error codes are letters, digits and dots; anything else would need escaping in the XML body.
        if (!errorCode.matches("[A-Za-z0-9.]+")) {
            throw new IllegalArgumentException("An S3 error code is letters, digits and dots: " + errorCode);
        }
    }

    private static void checkBodyBytes(long bodyBytes) {
        if (bodyBytes < 0) {
            throw new IllegalArgumentException("bodyBytes is negative: " + bodyBytes);
        }
    }

    /** See {@link Fault#status(int)}. */
    record Status(int code, String errorCode) implements Fault {
        public Status {
            checkStatus(code);
            checkErrorCode(errorCode);
        }
    }

    /** See {@link Fault#afterForwarding(int)}. */
    record AfterForwarding(int code, String errorCode) implements Fault {
        public AfterForwarding {
            checkStatus(code);
            checkErrorCode(errorCode);
        }
    }

    /** See {@link Fault#jsonError(int, String)}. */
    record JsonError(int code, String errorType, boolean forwarded) implements Fault {
        public JsonError {
            checkStatus(code);
            checkErrorCode(errorType);
        }
    }

    /** See {@link Fault#delay(Duration)}. */
    record Delay(Duration duration) implements Fault {
        public Delay {
            requireNonNull(duration, "duration is null");
            if (duration.isNegative()) {
                throw new IllegalArgumentException("duration is negative: " + duration);
            }
        }
    }

    /** See {@link Fault#delayUntil}. */
    record DelayUntil(Injection awaited, int hits, Duration atMost) implements Fault {
        public DelayUntil {
            requireNonNull(awaited, "awaited is null");
            requireNonNull(atMost, "atMost is null");
            if (hits < 1) {
                throw new IllegalArgumentException("hits is not positive: " + hits);
            }
        }
    }

    /** See {@link Fault#reset()}. */
    record Reset() implements Fault {}

    /** See {@link Fault#cutResponseAfter(long)}. */
    record CutResponse(long bodyBytes) implements Fault {
        public CutResponse {
            checkBodyBytes(bodyBytes);
        }
    }

    /** See {@link Fault#resetResponseAfter(long)}. */
    record ResetResponse(long bodyBytes) implements Fault {
        public ResetResponse {
            checkBodyBytes(bodyBytes);
        }
    }

    /** See {@link Fault#hold()}. */
    record Hold() implements Fault {}

    /** See {@link Fault#stallBodyAfter(long)}. */
    record StallBody(long bodyBytes) implements Fault {
        public StallBody {
            checkBodyBytes(bodyBytes);
        }
    }

    /** See {@link #gatherThenOneAtATime(int)}. */
    record GatherThenOneAtATime(int requests) implements Fault {
        public GatherThenOneAtATime {
            if (requests < 2) {
                throw new IllegalArgumentException("A race takes at least 2 requests: " + requests);
            }
        }
    }

    /** See {@link #landsLater(int)}. */
    record LandsLater(int code, String errorCode) implements Fault {
        public LandsLater {
            checkStatus(code);
            checkErrorCode(errorCode);
        }
    }
}
