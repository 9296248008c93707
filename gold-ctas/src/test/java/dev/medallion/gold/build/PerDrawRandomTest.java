package dev.medallion.gold.build;

import dev.medallion.common.layout.PerDrawRandom;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lambda SnapStart restores many execution environments from one memory snapshot taken after the
 * handler's constructor, which is where the builder's source of build ids is made. Serializing it and
 * reading it back twice copies its state as a snapshot does: two copies must still draw different build
 * ids in the same second, which a generator seeded when it was made does not (as RunNoncesTest shows for
 * the converter's run nonces).
 */
class PerDrawRandomTest {
    private static final int DRAWS = 16;
    /** One second for every draw: only the random suffix can tell two builds apart. */
    private static final Clock SAME_SECOND = Clock.fixed(Instant.parse("2026-03-14T23:30:00Z"), ZoneOffset.UTC);

    @Test
    void copiesOfTheSourceDrawDifferentBuildIds() throws Exception {
        PerDrawRandom source = new PerDrawRandom();
        BuildId.next(SAME_SECOND, source); // drawn before the snapshot: whatever init might draw
        byte[] snapshot = serialize(source);

        List<BuildId> fromFirst = draw(deserialize(snapshot));
        List<BuildId> fromSecond = draw(deserialize(snapshot));
        List<BuildId> fromOriginal = draw(source);

        // Equal sequences of 16 random 24-bit suffixes by chance: 2^-384.
        assertNotEquals(fromFirst, fromSecond, "two environments restored from one snapshot drew the same build ids");
        assertNotEquals(fromOriginal, fromFirst);
        fromFirst.forEach(id -> assertTrue(id.value().matches("20260314233000_[0-9a-f]{6}"), id.value()));
    }

    @Test
    void theCopyCheckCatchesAGeneratorSeededAtConstruction() throws Exception {
        // What the test above guards against: a SecureRandom (or java.util.Random) seeded once and kept, as
        // the handler's constructor once made one.
        SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
        seeded.setSeed(new SecureRandom().generateSeed(20));
        BuildId.next(SAME_SECOND, seeded);
        byte[] snapshot = serialize(seeded);

        assertEquals(draw(deserialize(snapshot)), draw(deserialize(snapshot)), "the snapshot emulation must expose a generator whose state is copied");
    }

    private static List<BuildId> draw(RandomGenerator random) {
        List<BuildId> ids = new ArrayList<>();
        for (int i = 0; i < DRAWS; i++) {
            ids.add(BuildId.next(SAME_SECOND, random));
        }
        return ids;
    }

    private static byte[] serialize(Object object) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        return bytes.toByteArray();
    }

    private static RandomGenerator deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (RandomGenerator) in.readObject();
        }
    }
}
