package dev.medallion.common.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest {
    private static final Set<String> VALUES = Set.of("--input", "--rows");
    private static final Set<String> FLAGS = Set.of("--verbose");

    @Test
    void readsValuesFlagsAndPositionalsInAnyOrder() throws UsageException {
        CommandLine line = CommandLine.parse(List.of("a.csv", "--input=x", "--verbose", "--rows", "16_000_000", "--", "--b.csv"), VALUES, FLAGS);

        assertEquals(Optional.of("x"), line.value("--input"));
        assertEquals(Optional.of(16_000_000L), line.number("--rows", 1, Long.MAX_VALUE));
        assertTrue(line.flag("--verbose"));
        assertEquals(List.of("a.csv", "--b.csv"), line.positionals());
    }

    @Test
    void saysWhatIsWrongInOneLine() throws UsageException {
        assertEquals("unknown option --colour", message("--colour"));
        assertEquals("--input needs a value", message("--input"));
        assertEquals("--input needs a value", message("--input", "--verbose"));
        assertEquals("--input is given twice", message("--input", "a", "--input", "b"));
        assertEquals("--verbose takes no value", message("--verbose=yes"));
        assertEquals("--rows must be a whole number, not 'many'", assertThrows(UsageException.class,
                () -> CommandLine.parse(List.of("--rows", "many"), VALUES, FLAGS).number("--rows", 1, 10)).getMessage());
        assertEquals("--rows must be between 1 and 10, not 11", assertThrows(UsageException.class,
                () -> CommandLine.parse(List.of("--rows", "11"), VALUES, FLAGS).number("--rows", 1, 10)).getMessage());
        CommandLine empty = CommandLine.parse(List.of(), VALUES, FLAGS);
        assertEquals("--input is required", assertThrows(UsageException.class, () -> empty.required("--input")).getMessage());
        assertFalse(empty.flag("--verbose"));
    }

    private static String message(String... args) {
        return assertThrows(UsageException.class, () -> CommandLine.parse(List.of(args), VALUES, FLAGS)).getMessage();
    }
}
