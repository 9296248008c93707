package dev.medallion.gold.lambda;

import dev.medallion.common.layout.PerDrawRandom;
import dev.medallion.common.config.Environment;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.gold.athena.Sleeper;
import dev.medallion.gold.model.GoldModels;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What SnapStart ({@code gold_ctas_snapstart}) snapshots: the handler as its constructor leaves it, copied
 * into every execution environment restored from one published version. No JVM here takes snapshots, so
 * the test looks at what the constructor made: it must have called no service (the clients fail on any
 * call, so a request made before the snapshot, or a connection kept in it, fails here), and nothing it
 * made may be a random generator with state of its own, which every restored copy would share; the one
 * generator is the per-draw source of build ids, whose copies PerDrawRandomTest shows to differ.
 */
class GoldCtasHandlerSnapStartTest {
    private static final Environment ENVIRONMENT = new Environment(Map.of(
            "GOLD_BUCKET", "gold", "SILVER_BUCKET", "silver", "SILVER_DATABASE", "lake_silver", "GOLD_DATABASE", "lake_gold",
            "ATHENA_WORKGROUP", "gold-builder"));

    @Test
    void theConstructorCallsNoServiceAndKeepsNoGeneratorSeededAtStartUp() throws IllegalAccessException {
        JsonLog log = new JsonLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC());

        GoldCtasHandler handler = new GoldCtasHandler(ENVIRONMENT, failing(S3Client.class), failing(GlueClient.class), failing(AthenaClient.class),
                GoldModels.shipped(), log, Sleeper.system());

        List<String> generators = new ArrayList<>();
        walk("handler", handler, Collections.newSetFromMap(new IdentityHashMap<>()), generators);
        assertEquals(List.of("handler.builder.random: " + PerDrawRandom.class.getSimpleName()), generators,
                "the random generators the constructor leaves for the snapshot: only the per-draw source of build ids may be among them");
    }

    /**
     * Records every random generator reachable from {@code value} through the fields of this project's
     * classes (their static fields too, which a snapshot copies as well), and the elements of collections,
     * maps and optionals among them.
     */
    private static void walk(String path, Object value, Set<Object> seen, List<String> generators) throws IllegalAccessException {
        if (value == null || !seen.add(value)) {
            return;
        }
        if (value instanceof RandomGenerator) {
            generators.add(path + ": " + value.getClass().getSimpleName());
            return;
        }
        if (value instanceof Optional<?> optional) {
            walk(path + ".get()", optional.orElse(null), seen, generators);
            return;
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object element : collection) {
                walk(path + "[" + i++ + "]", element, seen, generators);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                walk(path + "[" + entry.getKey() + "]", entry.getValue(), seen, generators);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("dev.medallion.")) {
            return;
        }
        for (Class<?> type = value.getClass(); type != null && type.getName().startsWith("dev.medallion."); type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (field.isSynthetic()) {
                    continue;
                }
                field.setAccessible(true);
                boolean isStatic = Modifier.isStatic(field.getModifiers());
                walk(isStatic ? type.getSimpleName() + "." + field.getName() : path + "." + field.getName(), field.get(isStatic ? null : value), seen, generators);
            }
        }
    }

    private static <T> T failing(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, arguments) -> {
            throw new AssertionError("the " + type.getSimpleName() + " was used by the constructor, before a SnapStart snapshot: " + method.getName());
        }));
    }
}
