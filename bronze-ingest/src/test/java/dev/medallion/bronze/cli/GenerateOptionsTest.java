package dev.medallion.bronze.cli;

import dev.medallion.common.cli.UsageException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GenerateOptionsTest {
    @Test
    void rowsMayBeGroupedAndTheSeedDefaultsToTheBenchmarks() throws UsageException {
        assertEquals(new GenerateOptions(16_000_000, Path.of("retail.csv.gz"), 20_250_101L),
                GenerateOptions.parse(List.of("--rows", "16_000_000", "--out", "retail.csv.gz")));
        assertEquals(new GenerateOptions(10, Path.of("r.csv"), -3),
                GenerateOptions.parse(List.of("--out=r.csv", "--seed", "-3", "--rows=10")));
    }

    @Test
    void refusesWhatItCannotUse() {
        assertEquals("--rows is required", refusal("--out", "r.csv"));
        assertEquals("--out is required", refusal("--rows", "10"));
        assertEquals("--rows must be between 0 and 9223372036854775807, not -1", refusal("--rows", "-1", "--out", "r.csv"));
        assertEquals("--rows must be a whole number, not '16M'", refusal("--rows", "16M", "--out", "r.csv"));
        assertEquals("unexpected argument 'r.csv': generate takes only options", refusal("--rows", "1", "r.csv"));
    }

    private static String refusal(String... args) {
        return assertThrows(UsageException.class, () -> GenerateOptions.parse(List.of(args))).getMessage();
    }
}
