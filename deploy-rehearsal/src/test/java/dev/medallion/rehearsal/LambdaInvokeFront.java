package dev.medallion.rehearsal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Lambda's Invoke API ({@code POST /2015-03-31/functions/<FunctionName>/invocations}) for one function,
 * in front of that function under the Runtime Interface Emulator, which serves only its own
 * {@code /2015-03-31/functions/function/invocations}: so that the AWS CLI, pointed here, invokes the real
 * converter. The function name (an ARN, qualified or not, as the command names it) must be the one
 * given; any other request is answered as Lambda answers an unknown function and kept, for the test to
 * fail on. An asynchronous invocation ({@code X-Amz-Invocation-Type: Event}) is answered 202 with no
 * body, as Lambda answers it, once the runtime has run it; a synchronous one 200 with the function's
 * response. Every call is kept with what the function returned. Loopback only, plain http (the CLI
 * signs the request, and nothing here checks the signature).
 */
final class LambdaInvokeFront implements AutoCloseable {
    private static final Pattern INVOKE = Pattern.compile("^/2015-03-31/functions/([^/]+)/invocations$");

    /**
     * One invocation the front took.
     *
     * @param invocationType the request's {@code X-Amz-Invocation-Type} ({@code RequestResponse} when absent, as Lambda takes it)
     * @param response what the function returned, empty when the front refused the call
     */
    record Call(String functionName, String invocationType, String payload, Optional<LambdaRuntime.Invocation> response) {}

    private final HttpServer server;
    private final String functionName;
    private final Optional<String> qualifier;
    private final LambdaRuntime runtime;
    private final List<Call> calls = new ArrayList<>();
    private final List<String> unexpected = new ArrayList<>();
    private String refusedPayloadFragment;

    private LambdaInvokeFront(HttpServer server, String functionName, Optional<String> qualifier, LambdaRuntime runtime) {
        this.server = server;
        this.functionName = functionName;
        this.qualifier = qualifier;
        this.runtime = runtime;
    }

    /** @param functionName what the invoker must name, with no qualifier, e.g. the converter's alias ARN */
    static LambdaInvokeFront start(String functionName, LambdaRuntime runtime) throws IOException {
        return start(functionName, Optional.empty(), runtime);
    }

    /**
     * @param functionName what the invoker must name, e.g. a function's name
     * @param qualifier the version or alias the invoker must name as {@code Qualifier} ({@code --qualifier}), or none
     */
    static LambdaInvokeFront start(String functionName, Optional<String> qualifier, LambdaRuntime runtime) throws IOException {
        requireNonNull(functionName, "functionName is null");
        requireNonNull(qualifier, "qualifier is null");
        requireNonNull(runtime, "runtime is null");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        LambdaInvokeFront front = new LambdaInvokeFront(server, functionName, qualifier, runtime);
        server.createContext("/", front::handle);
        server.start();
        return front;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The calls so far, in the order they came. */
    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Requests that were no invocation of the function: another function's name, another path or method. */
    synchronized List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    synchronized void clear() {
        calls.clear();
        unexpected.clear();
    }

    /**
     * From now on, an invocation whose payload contains the fragment is refused as Lambda refuses a caller
     * without {@code lambda:InvokeFunction} (403 AccessDeniedException, which the CLI does not retry),
     * and the function does not run; {@code null} refuses nothing.
     */
    synchronized void refuseInvocationsContaining(String payloadFragment) {
        this.refusedPayloadFragment = payloadFragment;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // The CLI sends one request at a time; invocations run one at a time, as a single execution environment would.
    private synchronized void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String payload;
            try (InputStream in = exchange.getRequestBody()) {
                payload = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Matcher path = INVOKE.matcher(exchange.getRequestURI().getRawPath());
            String name = path.matches() ? URLDecoder.decode(path.group(1), StandardCharsets.UTF_8) : null;
            if (!"POST".equals(exchange.getRequestMethod()) || name == null || !name.equals(functionName) || !Objects.equals(exchange.getRequestURI().getRawQuery(), qualifier.map(alias -> "Qualifier=" + alias).orElse(null))) {
                unexpected.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " (the front serves invocations of " + functionName
                        + qualifier.map(alias -> " qualified " + alias).orElse("") + " only)");
                error(exchange, 404, "ResourceNotFoundException", "Function not found: " + (name == null ? exchange.getRequestURI() : name));
                return;
            }
            String invocationType = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type")).orElse("RequestResponse");
            if (refusedPayloadFragment != null && payload.contains(refusedPayloadFragment)) {
                calls.add(new Call(name, invocationType, payload, Optional.empty()));
                error(exchange, 403, "AccessDeniedException", "User: arn:aws:iam::000000000000:user/rehearsal is not authorized to perform: lambda:InvokeFunction on resource: "
                        + name + " because no identity-based policy allows the lambda:InvokeFunction action");
                return;
            }
            LambdaRuntime.Invocation response;
            try {
                response = runtime.invoke(payload);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while the runtime ran the invocation", e);
            }
            calls.add(new Call(name, invocationType, payload, Optional.of(response)));
            if (invocationType.equals("Event")) {
                exchange.sendResponseHeaders(202, -1);
                return;
            }
            byte[] body = response.payload().getBytes(StandardCharsets.UTF_8);
            if (response.functionError()) {
                exchange.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        byte[] body = ("{\"Type\":\"User\",\"message\":\"" + message.replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
