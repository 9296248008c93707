package dev.medallion.common.layout;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lambda SnapStart restores many execution environments from one memory snapshot taken after start-up
 * (and after the converter's priming run, which draws a nonce too). Serializing an object and reading it
 * back twice copies its state as a snapshot does: the copies of the run nonce source must still draw
 * different nonces, which a generator seeded when it was built does not.
 */
class RunNoncesTest {
    private static final int DRAWS = 16;

    @Test
    void copiesOfTheSourceRunIdUsesDrawDifferentNonces() throws Exception {
        byte[] snapshot = serialize(RunId.NONCES);
        RunNonces first = deserialize(snapshot, RunNonces.class);
        RunNonces second = deserialize(snapshot, RunNonces.class);

        List<String> fromFirst = draw(first::next);
        List<String> fromSecond = draw(second::next);
        List<String> fromOriginal = draw(RunId.NONCES::next);

        // Equal sequences of 16 random nonces by chance: 2^-512.
        assertNotEquals(fromFirst, fromSecond, "two environments restored from one snapshot drew the same run nonces");
        assertNotEquals(fromOriginal, fromFirst);
        fromFirst.forEach(nonce -> assertTrue(nonce.matches("[0-9a-f]{8}"), nonce));
    }

    @Test
    void theCopyCheckCatchesAGeneratorSeededAtConstruction() throws Exception {
        // What this test guards against: a SecureRandom (or java.util.Random) seeded once and kept.
        SeededAtConstruction source = new SeededAtConstruction();
        source.next(); // drawn before the snapshot, as the priming run does
        byte[] snapshot = serialize(source);

        List<String> fromFirst = draw(deserialize(snapshot, SeededAtConstruction.class)::next);
        List<String> fromSecond = draw(deserialize(snapshot, SeededAtConstruction.class)::next);

        assertEquals(fromFirst, fromSecond, "the snapshot emulation must expose a generator whose state is copied");
    }

    @Test
    void runIdKeepsNoGeneratorOfItsOwn() {
        // A static generator is not serialized, so the copy check above cannot see one: none may exist.
        for (Class<?> type : List.of(RunId.class, RunNonces.class)) {
            for (Field field : type.getDeclaredFields()) {
                assertTrue(!RandomGenerator.class.isAssignableFrom(field.getType()),
                        type.getSimpleName() + "." + field.getName() + " keeps a random generator made at start-up; draw per run instead (see RunNonces)");
            }
        }
    }

    @Test
    void runsOfOneGenerationDiffer() {
        assertNotEquals(RunId.start(7), RunId.start(7));
        assertEquals(7, RunId.start(7).generation());
    }

    private static List<String> draw(Supplier<String> source) {
        List<String> nonces = new ArrayList<>();
        for (int i = 0; i < DRAWS; i++) {
            nonces.add(source.get());
        }
        return nonces;
    }

    private static byte[] serialize(Object object) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        return bytes.toByteArray();
    }

    private static <T> T deserialize(byte[] bytes, Class<T> type) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return type.cast(in.readObject());
        }
    }

    private static final class SeededAtConstruction implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final SecureRandom random;

        SeededAtConstruction() throws NoSuchAlgorithmException {
            random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(new SecureRandom().generateSeed(20));
        }

        String next() {
            byte[] bytes = new byte[4];
            random.nextBytes(bytes);
            return HexFormat.of().formatHex(bytes);
        }
    }
}
