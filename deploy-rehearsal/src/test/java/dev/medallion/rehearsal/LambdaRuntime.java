package dev.medallion.rehearsal;

import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * One Lambda function run the way Lambda runs it: the AWS Lambda Runtime Interface Emulator
 * ({@code aws-lambda-rie}) plays the Lambda service and starts the Java runtime interface client
 * ({@code com.amazonaws.services.lambda.runtime.api.client.AWSLambda}, as Lambda's Java runtimes do) with
 * the function's jar, handler string, environment, memory and timeout; events are POSTed as JSON and
 * deserialised by the runtime's own serialiser. Loopback only.
 * <p>
 * The JVM is the one running the tests (Java 17 here, {@code java21} in Lambda: the bytecode is 17).
 */
final class LambdaRuntime implements AutoCloseable {
    /** The release the project pins; {@code go install} builds it from the Go module proxy. */
    static final String RIE_MODULE = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d";
    private static final String RIE = "aws-lambda-rie";
    private static final String RUNTIME_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** A function as deployed: what GetFunctionConfiguration says, and its code. */
    record Function(String name, Path code, String handler, int memoryMb, int timeoutSeconds, Map<String, String> environment) {
        Function {
            requireNonNull(name, "name is null");
            requireNonNull(code, "code is null");
            requireNonNull(handler, "handler is null");
            environment = Map.copyOf(environment);
        }
    }

    /**
     * The options Lambda's managed Java runtimes start the JVM with, on its command line, whatever the
     * function's {@code JAVA_TOOL_OPTIONS} (which the JVM reads first, so these follow them): a heap of 85 %
     * of the memory, the serial collector, the runtime's class data sharing archive when there is one. As
     * a java17 function printed its own command line (github.com/sigpwned/the-lambda-iceberg-dissecting-the-official-java-runtimes,
     * data/17/*.txt: {@code -XX:MaxHeapSize=… -XX:+UseSerialGC -Xshare:on … -XX:+TieredCompilation -XX:TieredStopAtLevel=1}).
     * With them, a function whose {@code JAVA_TOOL_OPTIONS} selects another collector fails to start here
     * as it does on Lambda ("Multiple garbage collectors selected", awsdocs/aws-lambda-developer-guide#281).
     * The tiered-compilation options are left out: Lambda documents overriding them through
     * {@code JAVA_TOOL_OPTIONS}, which only works if its bootstrap then leaves its own out.
     */
    static List<String> managedRuntimeJvmOptions(int memoryMb) {
        return List.of("-XX:MaxHeapSize=" + (memoryMb * 1024L * 85 / 100) + "k", "-XX:+UseSerialGC", "-Xshare:auto");
    }

    /** What an invocation returned: the response payload, and whether the function failed. */
    record Invocation(String payload, boolean functionError) {}

    private final Function function;
    private final Process process;
    private final Path log;
    private final URI invocations;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LambdaRuntime(Function function, Process process, Path log, URI invocations) {
        this.function = function;
        this.process = process;
        this.log = log;
        this.invocations = invocations;
    }

    /**
     * Starts the emulator for the function.
     *
     * @param platform what Lambda itself puts in every function's environment here: region, credentials,
     *        and the emulated AWS endpoint (a deployment on real AWS needs none)
     * @param logDirectory receives the function's log (the runtime's output and the emulator's)
     */
    static LambdaRuntime start(Function function, Map<String, String> platform, Path logDirectory) throws IOException, InterruptedException {
        return start(function, platform, List.of(), logDirectory);
    }

    /**
     * Starts the emulator for the function, with options of the platform's own on the runtime's JVM
     * command line (which Lambda's bootstrap owns, as it owns the JVM's trust store), such as the trust
     * store of an emulator's certificate. They never touch the function's environment, so its
     * {@code JAVA_TOOL_OPTIONS} stays exactly as deployed.
     */
    static LambdaRuntime start(Function function, Map<String, String> platform, List<String> platformJvmOptions, Path logDirectory)
            throws IOException, InterruptedException {
        requireNonNull(function, "function is null");
        requireNonNull(platformJvmOptions, "platformJvmOptions is null");
        Path rie = emulator();
        Path runtimeLibraries = Path.of("target", "lambda-runtime");
        List<String> classPath = new ArrayList<>();
        try (Stream<Path> jars = Files.list(runtimeLibraries)) {
            jars.filter(jar -> jar.toString().endsWith(".jar")).sorted().forEach(jar -> classPath.add(jar.toAbsolutePath().toString()));
        }
        if (classPath.size() < 3) {
            throw new IllegalStateException("The Java runtime interface client is missing from " + runtimeLibraries.toAbsolutePath()
                    + " (maven-dependency-plugin copies it there in generate-test-resources): found " + classPath);
        }
        classPath.add(function.code().toAbsolutePath().toString());
        int port = freePort();
        int runtimeApiPort = freePort();
        Path log = Files.createTempFile(logDirectory, function.name() + "-", ".log");
        List<String> command = new ArrayList<>(List.of(rie.toString(),
                "--runtime-interface-emulator-address", "127.0.0.1:" + port,
                "--runtime-api-address", "127.0.0.1:" + runtimeApiPort,
                java()));
        command.addAll(managedRuntimeJvmOptions(function.memoryMb()));
        command.addAll(platformJvmOptions);
        command.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), RUNTIME_MAIN, function.handler()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        environment.put("LANG", "en_US.UTF-8");
        environment.put("TZ", ":UTC");
        environment.put("AWS_LAMBDA_FUNCTION_NAME", function.name());
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(function.memoryMb()));
        environment.put("AWS_LAMBDA_FUNCTION_TIMEOUT", String.valueOf(function.timeoutSeconds()));
        environment.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        environment.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + function.name());
        environment.put("_HANDLER", function.handler());
        environment.putAll(platform);
        environment.putAll(function.environment());
        Process process = builder.start();
        LambdaRuntime runtime = new LambdaRuntime(function, process, log, URI.create("http://127.0.0.1:" + port + "/2015-03-31/functions/function/invocations"));
        runtime.awaitListening(port);
        return runtime;
    }

    /** Invokes the function with the event, as Lambda's asynchronous invocation would deliver it. */
    Invocation invoke(String eventJson) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(invocations)
                .timeout(Duration.ofSeconds(function.timeoutSeconds() + 30L))
                .POST(HttpRequest.BodyPublishers.ofString(eventJson, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        // A function error comes back as the runtime's error document, with an errorType: with 200 when the
        // handler threw, with 502 when the function could not even start (its constructor threw).
        boolean failed = response.body().contains("\"errorType\"");
        if (response.statusCode() != 200 && !failed) {
            throw new IOException("The runtime emulator answered " + response.statusCode() + " to an invocation of " + function.name() + ": "
                    + response.body() + "\n" + log());
        }
        return new Invocation(response.body(), failed);
    }

    /** Everything the function and the emulator printed so far. */
    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /**
     * {@code aws-lambda-rie} from the PATH or from Go's install directory; otherwise a failure that says how
     * to get it, never a skip.
     */
    static Path emulator() {
        List<Path> candidates = new ArrayList<>();
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!directory.isEmpty()) {
                candidates.add(Path.of(directory, RIE));
            }
        }
        Optional.ofNullable(System.getenv("GOBIN")).ifPresent(directory -> candidates.add(Path.of(directory, RIE)));
        Optional.ofNullable(System.getenv("GOPATH")).ifPresent(directory -> candidates.add(Path.of(directory, "bin", RIE)));
        candidates.add(Path.of(System.getProperty("user.home"), "go", "bin", RIE));
        return candidates.stream()
                .filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("The AWS Lambda Runtime Interface Emulator (" + RIE + ") was not found on the PATH, in"
                        + " $GOBIN or in $GOPATH/bin (or ~/go/bin). Install it with Go: go install " + RIE_MODULE));
    }

    private void awaitListening(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("The runtime emulator for " + function.name() + " exited with " + process.exitValue() + ":\n" + log());
            }
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            }
            catch (ConnectException e) {
                Thread.sleep(50);
            }
        }
        throw new IOException("The runtime emulator for " + function.name() + " did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT + ":\n" + log());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
