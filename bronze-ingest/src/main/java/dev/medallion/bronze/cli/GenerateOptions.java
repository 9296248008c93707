package dev.medallion.bronze.cli;

import dev.medallion.bronze.generate.RetailCsvFile;
import dev.medallion.common.cli.CommandLine;
import dev.medallion.common.cli.UsageException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** {@code generate --rows N --out FILE [--seed S]} */
record GenerateOptions(long rows, Path out, long seed) {
    GenerateOptions {
        requireNonNull(out, "out is null");
    }

    static GenerateOptions parse(List<String> args) throws UsageException {
        CommandLine line = CommandLine.parse(args, Set.of("--rows", "--out", "--seed"), Set.of());
        if (!line.positionals().isEmpty()) {
            throw new UsageException("unexpected argument '" + line.positionals().get(0) + "': generate takes only options");
        }
        line.required("--rows");
        long rows = line.number("--rows", 0, Long.MAX_VALUE).orElseThrow();
        Path out;
        try {
            out = Path.of(line.required("--out"));
        }
        catch (InvalidPathException e) {
            throw new UsageException("--out is not a valid path: " + e.getReason());
        }
        long seed = line.number("--seed", Long.MIN_VALUE, Long.MAX_VALUE).orElse(RetailCsvFile.DEFAULT_SEED);
        return new GenerateOptions(rows, out, seed);
    }
}
