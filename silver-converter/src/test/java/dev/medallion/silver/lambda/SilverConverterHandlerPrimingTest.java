package dev.medallion.silver.lambda;

import dev.medallion.common.config.Environment;
import dev.medallion.common.logging.JsonLog;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import com.sun.management.HotSpotDiagnosticMXBean;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handler's SnapStart hook. No JVM here takes snapshots, so the test plays Lambda's part: it is the
 * CRaC context the handler registers with, and calls the hook as Lambda does before a snapshot and after
 * a restore. The clients fail on any call: priming must not touch the network.
 */
class SilverConverterHandlerPrimingTest {
    private static final Environment ENVIRONMENT = new Environment(Map.of("SILVER_BUCKET", "silver", "SILVER_DATABASE", "lake"));

    @Test
    void registersAHookThatPrimesWithoutTouchingTheClients() throws Exception {
        RecordingContext checkpoints = new RecordingContext();
        ByteArrayOutputStream logLines = new ByteArrayOutputStream();
        JsonLog log = new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), Clock.systemUTC());

        new SilverConverterHandler(ENVIRONMENT, failing(S3Client.class), () -> failing(GlueClient.class), log, checkpoints);

        assertEquals(1, checkpoints.resources.size());
        Resource hook = checkpoints.resources.get(0);
        hook.beforeCheckpoint(checkpoints);
        hook.afterRestore(checkpoints);
        String logged = logLines.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("converter primed before the SnapStart snapshot") && logged.contains("\"files\":3") && logged.contains("\"rows\":160000"), logged);
        // Silent priming: its conversion does not log as a conversion would.
        assertTrue(!logged.contains("source object processed"), logged);
        // What the JVM got, for a person to check on Lambda whether JAVA_TOOL_OPTIONS prevailed over the bootstrap's options.
        String jvm = logged.lines().filter(line -> line.contains("\"message\":\"jvm\"")).findFirst().orElseThrow(() -> new AssertionError(logged));
        String level = String.valueOf(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("TieredStopAtLevel").getValue());
        assertTrue(jvm.contains("\"tieredStopAtLevel\":\"" + level + "\"") && jvm.contains("\"tieredStopAtLevelOrigin\":\"")
                && jvm.contains("\"garbageCollectors\":[") && jvm.contains("\"rangeReaders\":"), jvm);
        // This JVM runs C2: no warning (JitLevelTest starts one held to C1).
        assertTrue(jvm.contains("\"level\":\"INFO\"") && !jvm.contains("\"problem\""), jvm);
    }

    @Test
    void cracGlobalContextAcceptsTheHookOnAJvmWithoutCrac() {
        // What the other constructors use: off Lambda (and here) org.crac's global context is a no-op.
        new SilverConverterHandler(ENVIRONMENT, failing(S3Client.class), () -> failing(GlueClient.class), JsonLog.standardOutput(), Core.getGlobalContext());
        new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", "silver")), failing(S3Client.class), JsonLog.standardOutput());
    }

    private static <T> T failing(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, arguments) -> {
            throw new AssertionError("the " + type.getSimpleName() + " was used while priming or constructing: " + method.getName());
        }));
    }

    private static final class RecordingContext extends Context<Resource> {
        private final List<Resource> resources = new ArrayList<>();

        @Override
        public void register(Resource resource) {
            resources.add(resource);
        }

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
        }
    }
}
