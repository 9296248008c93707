package dev.medallion.silver.local;

import dev.medallion.common.config.Environment;
import dev.medallion.common.testing.MainframeExports;
import dev.medallion.common.testing.WithoutCapabilities;
import dev.medallion.silver.ParquetTestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SilverConverterCliTest {
    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void convertsAFileIntoTheSilverLayoutAndSummarisesInOneLine() throws IOException {
        Path input = Files.writeString(directory.resolve("Daily Sales.csv"), "id,amount\n1,2.5\n2,7\n3\n4,5,6\n");
        Path output = directory.resolve("lake");

        int exit = run("convert", "--input", input.toString(), "--output", output.toString());

        assertEquals(0, exit, err());
        List<String> lines = out().lines().toList();
        assertEquals(1, lines.size(), out());
        assertTrue(lines.get(0).startsWith("converted Daily Sales.csv as dataset daily_sales into "), lines.get(0));
        assertTrue(lines.get(0).contains("4 rows read, 2 written, 2 quarantined"), lines.get(0));
        assertTrue(Files.exists(output.resolve("_schemas/daily_sales.json")));
        try (Stream<Path> files = Files.walk(output)) {
            List<String> relative = files.filter(Files::isRegularFile).map(path -> output.relativize(path).toString()).sorted().toList();
            assertEquals(4, relative.size(), relative.toString());
            assertTrue(relative.stream().anyMatch(file -> file.matches("daily_sales/ingest_date=\\d{4}-\\d{2}-\\d{2}/daily_sales-[0-9a-f]{10}-[0-9a-f]+-g1-[0-9a-f]{8}-part-00001\\.parquet")), relative.toString());
            assertTrue(relative.stream().anyMatch(file -> file.startsWith("_manifests/daily_sales/")), relative.toString());
            assertTrue(relative.stream().anyMatch(file -> file.startsWith("_quarantine/daily_sales/ingest_date=")), relative.toString());
        }
    }

    @Test
    void convertingAnUnchangedFileAgainDoesNothing() throws IOException {
        Path input = Files.writeString(directory.resolve("sales.csv"), "id\n1\n");
        Path output = directory.resolve("lake");
        assertEquals(0, run("convert", "--input", input.toString(), "--output", output.toString()));
        out.reset();

        assertEquals(0, run("convert", "--input", input.toString(), "--output", output.toString()));

        // Every setting that converts it again, each with what the file was read with: the line is all a person sees.
        assertEquals("unchanged sales.csv: already converted (" + onlyManifest(output) + "); it is converted again once the file changes, or run with"
                + " a --delimiter or --encoding (or a CSV_DELIMITERS or CSV_ENCODINGS entry) other than the comma and UTF-8 it was read with,"
                + " or with --null-values (or a CSV_NULL_VALUES entry) declaring other null markers than it was converted with (none),"
                + " or with --quoted-empty-strings (or its dataset listed in CSV_QUOTED_EMPTY_STRINGS), which it was converted without,"
                + " or by a converter whose reading rules are newer than the version 2 it was read under,"
                + " or once its dataset's schema contract (" + output.resolve("_schemas/sales.json") + ") changes; or delete that manifest to convert it again\n",
                out());
    }

    /**
     * A file none of whose rows reaches its table exits with 1, as lakehouse-local.jar does and the function's
     * files-all-rows-quarantined alarm fires: it exited 0, so a script converting files one by one never learnt that a
     * table lacked a whole file. Converted again unchanged, it still lacks it.
     */
    @Test
    void aFileWithEveryRowQuarantinedExitsWithOneNowAndWhenConvertedAgainUnchanged() throws IOException {
        Path lake = directory.resolve("lake");
        Path first = Files.writeString(directory.resolve("orders-1.csv"), "id,amount\n1,2.5\n");
        assertEquals(0, run("convert", "--input", first.toString(), "--output", lake.toString(), "--dataset", "orders"), err());
        Path typedWrong = Files.writeString(directory.resolve("orders-2.csv"), "id,amount\none,2.5\ntwo,3.5\n");
        out.reset();

        assertEquals(1, run("convert", "--input", typedWrong.toString(), "--output", lake.toString(), "--dataset", "orders"));

        assertTrue(out().contains("2 rows read, 0 written, 2 quarantined"), out());
        String quarantine;
        try (Stream<Path> files = Files.walk(lake.resolve("_quarantine/orders"))) {
            quarantine = files.filter(Files::isRegularFile).findFirst().orElseThrow().toString();
        }
        assertEquals("error: every row of orders-2.csv was quarantined, none is in dataset orders's table: each row's reason is in " + quarantine + "\n", err());

        err.reset();
        assertEquals(1, run("convert", "--input", typedWrong.toString(), "--output", lake.toString(), "--dataset", "orders"));
        assertTrue(out().contains("unchanged orders-2.csv: already converted"), out());
        assertTrue(err().startsWith("error: every row of orders-2.csv was quarantined"), err());
    }

    /** What the already-converted line names does convert the file again: another delimiter, other null markers, an edited contract. */
    @Test
    void theSettingsTheAlreadyConvertedLineNamesConvertTheFileAgain() throws IOException {
        Path input = Files.writeString(directory.resolve("sales.csv"), "id;amount\n1;N/A\n");
        Path output = directory.resolve("lake");
        assertEquals(0, run("convert", "--input", input.toString(), "--output", output.toString(), "--delimiter", "semicolon", "--null-values", "N/A"), err());
        out.reset();
        assertEquals(0, run("convert", "--input", input.toString(), "--output", output.toString(), "--delimiter", "semicolon", "--null-values", "N/A"), err());
        assertEquals("unchanged sales.csv: already converted (" + onlyManifest(output) + "); it is converted again once the file changes, or run with"
                + " a --delimiter or --encoding (or a CSV_DELIMITERS or CSV_ENCODINGS entry) other than the semicolon and UTF-8 it was read with,"
                + " or with --null-values (or a CSV_NULL_VALUES entry) declaring other null markers than it was converted with (N/A),"
                + " or with --quoted-empty-strings (or its dataset listed in CSV_QUOTED_EMPTY_STRINGS), which it was converted without,"
                + " or by a converter whose reading rules are newer than the version 2 it was read under,"
                + " or once its dataset's schema contract (" + output.resolve("_schemas/sales.json") + ") changes; or delete that manifest to convert it again\n",
                out());
        out.reset();

        // Another encoding, other null markers, an edited contract: each converts the unchanged file again.
        String[] again = {"convert", "--input", input.toString(), "--output", output.toString(), "--delimiter", "semicolon", "--null-values", "N/A"};
        assertEquals(0, run(Map.of("CSV_ENCODINGS", "sales:windows-1252"), again), err());
        assertTrue(out().startsWith("converted sales.csv as dataset sales"), out());
        out.reset();
        assertEquals(0, run(Map.of("CSV_ENCODINGS", "sales:windows-1252"), "convert", "--input", input.toString(), "--output", output.toString(),
                "--delimiter", "semicolon", "--null-values", "N/A,-"), err());
        assertTrue(out().startsWith("converted sales.csv as dataset sales"), out());
        out.reset();
        Path contract = output.resolve("_schemas/sales.json");
        Files.writeString(contract, Files.readString(contract).replace("\"bigint\"", "\"double\""));
        assertEquals(0, run(Map.of("CSV_ENCODINGS", "sales:windows-1252"), "convert", "--input", input.toString(), "--output", output.toString(),
                "--delimiter", "semicolon", "--null-values", "N/A,-"), err());
        assertTrue(out().startsWith("converted sales.csv as dataset sales"), out());
    }

    /** A file found empty wrote no part, so no contract change converts it again, and its line does not say one does. */
    @Test
    void anEmptyFilesAlreadyConvertedLineLeavesTheContractOut() throws IOException {
        Path input = Files.writeString(directory.resolve("empty.csv"), "");
        Path output = directory.resolve("lake");
        assertEquals(0, run("convert", "--input", input.toString(), "--output", output.toString()), err());
        out.reset();

        assertEquals(0, run("convert", "--input", input.toString(), "--output", output.toString()), err());

        assertEquals("unchanged empty.csv: already converted (" + onlyManifest(output) + "); it is converted again once the file changes, or run with"
                + " a --delimiter or --encoding (or a CSV_DELIMITERS or CSV_ENCODINGS entry) other than the comma and UTF-8 it was read with,"
                + " or with --null-values (or a CSV_NULL_VALUES entry) declaring other null markers than it was converted with (none),"
                + " or with --quoted-empty-strings (or its dataset listed in CSV_QUOTED_EMPTY_STRINGS), which it was converted without,"
                + " or by a converter whose reading rules are newer than the version 2 it was read under;"
                + " or delete that manifest to convert it again\n", out());
    }

    /** A file rejected for a limit: the line names the limits it was read under, and raising one converts it. */
    @Test
    void aFileRejectedForALimitNamesTheLimitsItWasReadUnder() throws IOException {
        Path input = Files.writeString(directory.resolve("wide.csv"), "a,b,c\n1,2,3\n");
        Path output = directory.resolve("lake");
        Map<String, String> narrow = Map.of("MAX_COLUMNS", "2", "MAX_ROW_CHARS", "1000");
        assertEquals(1, run(narrow, "convert", "--input", input.toString(), "--output", output.toString()));
        String reason = out().substring("rejected wide.csv: ".length()).strip();
        out.reset();

        assertEquals(1, run(narrow, "convert", "--input", input.toString(), "--output", output.toString()));

        assertEquals("unchanged wide.csv: rejected before, read with the same settings (" + onlyManifest(output) + "): " + reason
                + " Change the file, or convert it with the --encoding or --delimiter it needs (or its CSV_ENCODINGS or CSV_DELIMITERS entry),"
                + " or with MAX_ROW_CHARS or MAX_COLUMNS raised above the 1000 characters and 2 columns it was read under,"
                + " or with a converter whose reading rules are newer than the version 2 it was read under\n", out());
        out.reset();
        assertEquals(0, run(Map.of("MAX_COLUMNS", "3", "MAX_ROW_CHARS", "1000"), "convert", "--input", input.toString(), "--output", output.toString()), err());
        assertTrue(out().startsWith("converted wide.csv as dataset wide"), out());
    }

    @Test
    void aDatasetNameCannotEscapeTheOutputDirectory() throws IOException {
        Path input = Files.writeString(directory.resolve("x.csv"), "id\n1\n");
        Path output = directory.resolve("lake");

        int exit = run("convert", "--input", input.toString(), "--output", output.toString(), "--dataset", "../../etc/passwd");

        assertEquals(0, exit, err());
        assertTrue(Files.isDirectory(output.resolve("etc_passwd")));
        // Beside the output, its commits' lock file, named after the output folder (docs/local.md), not after the dataset.
        Path lockFile = directory.resolve(".lake.medallion-lock");
        try (Stream<Path> files = Files.walk(directory)) {
            List<Path> outside = files.filter(Files::isRegularFile).filter(path -> !path.startsWith(output) && !path.equals(input) && !path.equals(lockFile)).toList();
            assertEquals(List.of(), outside, "written outside --output " + output);
        }
    }

    @Test
    void honoursAnExplicitDelimiter() throws IOException {
        Path input = Files.writeString(directory.resolve("legacy.dat"), "a|b,c\n1|2,3\n");

        assertEquals(0, run("convert", "--input", input.toString(), "--output", directory.resolve("lake").toString(), "--delimiter", "pipe"));

        String manifest = Files.readString(Files.walk(directory.resolve("lake/_manifests")).filter(Files::isRegularFile).findFirst().orElseThrow());
        assertTrue(manifest.contains("\"delimiter\" : \"|\""), manifest);
        assertTrue(manifest.contains("\"b_c\""), manifest);
    }

    @Test
    void readsAFileInTheEncodingGivenAndRejectsItWithout() throws IOException {
        Path input = Files.write(directory.resolve("clients.csv"), "id,name\n1,Zo\u00eb\n".getBytes(java.nio.charset.Charset.forName("windows-1252")));

        assertEquals(1, run("convert", "--input", input.toString(), "--output", directory.resolve("refused").toString()));
        assertTrue(out().startsWith("rejected clients.csv: The file is not UTF-8: invalid byte sequence 0xEB 0x0A at byte offset 12 (line 2)"), out());

        assertEquals(0, run("convert", "--input", input.toString(), "--output", directory.resolve("lake").toString(), "--encoding", "cp1252"));
        String manifest = Files.readString(Files.walk(directory.resolve("lake/_manifests")).filter(Files::isRegularFile).findFirst().orElseThrow());
        assertTrue(manifest.contains("\"encoding\" : \"windows-1252\""), manifest);

        assertEquals(2, run("convert", "--input", input.toString(), "--output", directory.resolve("lake").toString(), "--encoding", "klingon"));
        assertTrue(err().contains("--encoding") && err().contains("klingon"), err());
    }

    /**
     * A SQL Server export converts as the function converts it: its NULL and \\N in typed columns are nulls,
     * the columns typed; --null-values, or CSV_NULL_VALUES, declares more, and the file is converted again under them.
     */
    @Test
    void nullMarkersAreNullsAndDeclaredOnesConvertTheFileAgain() throws IOException {
        Path first = Files.writeString(directory.resolve("orders.csv"), "id,amount,shipped,note\n1,12.5,2026-03-01,first\n2,NULL,\\N,NULL\n");
        String lake = directory.resolve("lake").toString();

        assertEquals(0, run("convert", "--input", first.toString(), "--output", lake), err());
        assertTrue(out().contains("2 rows read, 2 written, 0 quarantined") && out().contains("id bigint, amount double, shipped date, note string"), out());
        out.reset();

        Path input = Files.writeString(directory.resolve("later.csv"), "id,amount,shipped,note\n3,N/A,2026-03-03,x\n4,NULL,2026-03-04,NULL\n");
        assertEquals(0, run("convert", "--input", input.toString(), "--output", lake, "--dataset", "orders"), err());
        assertTrue(out().contains("2 rows read, 1 written, 1 quarantined"), out());
        out.reset();
        assertEquals(0, run("convert", "--input", input.toString(), "--output", lake, "--dataset", "orders", "--null-values", "N/A, NULL"), err());
        assertTrue(out().contains("2 rows read, 2 written, 0 quarantined"), out());
        out.reset();
        assertEquals(0, run(Map.of("CSV_NULL_VALUES", "orders:N/A,orders:NULL"), "convert", "--input", input.toString(), "--output", lake, "--dataset", "orders"),
                err());
        assertTrue(out().startsWith("unchanged later.csv: already converted"), out());

        assertEquals(2, run("convert", "--input", input.toString(), "--output", lake, "--null-values", "N/A,,NULL"));
        assertTrue(err().contains("--null-values 'N/A,,NULL' must be markers separated by commas"), err());
    }

    /**
     * A PostgreSQL export converts as the function converts it: with --quoted-empty-strings, or CSV_QUOTED_EMPTY_STRINGS, "" is an empty
     * string in a text column and an unquoted empty field null; without either, both are null, as before.
     */
    @Test
    void quotedEmptyStringsAreKeptWithTheOptionOrTheEnvironmentsEntry() throws IOException {
        Path input = Files.writeString(directory.resolve("customers.csv"), "id,nickname\n1,\"\"\n2,\n");

        assertEquals(0, run("convert", "--input", input.toString(), "--output", directory.resolve("plain").toString()), err());
        assertEquals(List.of("1|null", "2|null"), nicknames(directory.resolve("plain/customers")));
        assertEquals(0, run("convert", "--input", input.toString(), "--output", directory.resolve("option").toString(), "--quoted-empty-strings"), err());
        assertEquals(List.of("1|''", "2|null"), nicknames(directory.resolve("option/customers")));
        assertEquals(0, run(Map.of("CSV_QUOTED_EMPTY_STRINGS", "customers"), "convert", "--input", input.toString(), "--output",
                directory.resolve("environment").toString()), err());
        assertEquals(List.of("1|''", "2|null"), nicknames(directory.resolve("environment/customers")));
    }

    /**
     * The already-converted line tells a person who converted a PostgreSQL export without --quoted-empty-strings that it converts
     * the file again, and, once the file was converted with it, that leaving it out does not: the converter's rule, which compares
     * what the manifest records ({@code quotedEmptyStrings}) and counts a listing, not its removal, as for null markers.
     */
    @Test
    void theAlreadyConvertedLineSaysWhatQuotedEmptyStringsChange() throws IOException {
        Path input = Files.writeString(directory.resolve("customers.csv"), "id,nickname\n1,\"\"\n2,\n");
        Path output = directory.resolve("lake");
        String[] convert = {"convert", "--input", input.toString(), "--output", output.toString()};
        assertEquals(0, run(convert), err());
        out.reset();

        assertEquals(0, run(Map.of("CSV_QUOTED_EMPTY_STRINGS", "customers"), convert), err());
        assertTrue(out().startsWith("converted customers.csv as dataset customers"), "listed now, the file is converted again: " + out());
        assertEquals(List.of("1|''", "2|null"), nicknames(output.resolve("customers")));
        out.reset();

        assertEquals(0, run(convert), err());
        assertEquals("unchanged customers.csv: already converted (" + onlyManifest(output) + "); it is converted again once the file changes, or run with"
                + " a --delimiter or --encoding (or a CSV_DELIMITERS or CSV_ENCODINGS entry) other than the comma and UTF-8 it was read with,"
                + " or with --null-values (or a CSV_NULL_VALUES entry) declaring other null markers than it was converted with (none),"
                + " or by a converter whose reading rules are newer than the version 2 it was read under,"
                + " or once its dataset's schema contract (" + output.resolve("_schemas/customers.json") + ") changes;"
                + " it was converted with --quoted-empty-strings (or its dataset listed in CSV_QUOTED_EMPTY_STRINGS), and leaving that out does not"
                + " convert it again; or delete that manifest to convert it again\n", out());
        assertEquals(List.of("1|''", "2|null"), nicknames(output.resolve("customers")));
    }

    /**
     * A lake written by a converter from before reading rules were recorded (its manifests without {@code readingRules}, version 1):
     * {@code convert} run on the same file converts it again, the old version's part swept, each row once as parquet-avro reads it,
     * and the run after answers unchanged at the version in force.
     */
    @Test
    void aFileOfALakeWrittenByAnOlderConverterIsConvertedAgain() throws IOException {
        Path input = Files.writeString(directory.resolve("customers.csv"), "id,nickname\n1,\"NULL\"\n2,NULL\n3,\"\"\n");
        Path output = directory.resolve("lake");
        Map<String, String> environment = Map.of("CSV_QUOTED_EMPTY_STRINGS", "customers", "CSV_NULL_VALUES", "customers:NULL");
        String[] convert = {"convert", "--input", input.toString(), "--output", output.toString()};
        assertEquals(0, run(environment, convert), err());
        Path manifest = onlyManifest(output);
        com.fasterxml.jackson.databind.node.ObjectNode written = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(manifest.toFile());
        assertEquals(2, written.path("readingRules").asInt(), written.toString());
        written.remove("readingRules");
        Files.write(manifest, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(written));
        List<Path> olderParts = parquetFiles(output.resolve("customers"));
        out.reset();

        assertEquals(0, run(environment, convert), err());

        assertTrue(out().startsWith("converted customers.csv as dataset customers"), "read under older rules, converted again: " + out());
        List<Path> parts = parquetFiles(output.resolve("customers"));
        assertEquals(1, parts.size(), parts.toString());
        assertFalse(olderParts.contains(parts.get(0)), "the older version's part is swept: " + olderParts + " " + parts);
        assertEquals(List.of("1|'NULL'", "2|null", "3|''"), nicknames(output.resolve("customers")));
        out.reset();
        assertEquals(0, run(environment, convert), err());
        assertTrue(out().startsWith("unchanged customers.csv: already converted"), out());
    }

    private static List<Path> parquetFiles(Path table) throws IOException {
        try (Stream<Path> files = Files.walk(table)) {
            return files.filter(file -> file.toString().endsWith(".parquet")).sorted().toList();
        }
    }

    private static List<String> nicknames(Path table) throws IOException {
        Path parquet;
        try (Stream<Path> files = Files.walk(table)) {
            parquet = files.filter(file -> file.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        return ParquetTestFiles.readAll(parquet).stream()
                .map(record -> record.get("id") + "|" + (record.get("nickname") == null ? "null" : "'" + record.get("nickname") + "'")).toList();
    }

    /** The advice of a rejection works here too: CSV_ENCODINGS, as the function reads it, or --encoding; the same settings skip the file. */
    @Test
    void aRejectedFileIsConvertedOnceItsEncodingIsDeclaredAndSkippedUntilThen() throws IOException {
        Path input = Files.write(directory.resolve("clients.csv"), "id,name\n1,Zo\u00eb\n".getBytes(java.nio.charset.Charset.forName("windows-1252")));
        String lake = directory.resolve("lake").toString();

        assertEquals(1, run("convert", "--input", input.toString(), "--output", lake));
        assertTrue(out().contains("set CSV_ENCODINGS=clients:windows-1252"), out());
        out.reset();
        assertEquals(1, run("convert", "--input", input.toString(), "--output", lake));
        assertTrue(out().startsWith("unchanged clients.csv: rejected before, read with the same settings ("), out());
        assertTrue(out().contains("The file is not UTF-8") && out().contains("--encoding"), out());
        out.reset();

        assertEquals(0, run(Map.of("CSV_ENCODINGS", "clients:windows-1252"), "convert", "--input", input.toString(), "--output", lake), err());
        assertTrue(out().startsWith("converted clients.csv as dataset clients into ") && out().contains("1 row read, 1 written"), out());
        out.reset();
        assertEquals(0, run("convert", "--input", input.toString(), "--output", lake, "--encoding", "windows-1252"));
        assertTrue(out().startsWith("unchanged clients.csv: already converted"), out());
    }

    /**
     * The reason is the function's, which names the CSV_ENCODINGS entry to set; convert has its own option for it, which the line names
     * with the charset, first rejection or unchanged since, and which converts the file as named.
     */
    @Test
    void aFileRejectedForItsEncodingNamesTheEncodingOptionThatConvertsIt() throws IOException {
        Path input = Files.write(directory.resolve("clients.csv"), "id,name\n1,Zo\u00eb\n".getBytes(java.nio.charset.Charset.forName("windows-1252")));
        String lake = directory.resolve("lake").toString();

        assertEquals(1, run("convert", "--input", input.toString(), "--output", lake));
        assertEquals("rejected clients.csv: The file is not UTF-8: invalid byte sequence 0xEB 0x0A at byte offset 12 (line 2). If it is a Windows-1252 or"
                + " Latin-1 export, set CSV_ENCODINGS=clients:windows-1252 (or convert the file to UTF-8). With convert: --encoding windows-1252"
                + " declares it for this file, as CSV_ENCODINGS=clients:windows-1252 does for the dataset; convert it again with it.\n", out());
        out.reset();
        assertEquals(1, run("convert", "--input", input.toString(), "--output", lake));
        assertTrue(out().startsWith("unchanged clients.csv: rejected before") && out().contains(" With convert: --encoding windows-1252 declares it"), out());
        out.reset();

        assertEquals(0, run("convert", "--input", input.toString(), "--output", lake, "--encoding", "windows-1252"), err());
        assertTrue(out().startsWith("converted clients.csv as dataset clients into ") && out().contains("1 row read, 1 written"), out());
    }

    /** An undeclared EBCDIC file: the code page its reason names for CSV_ENCODINGS, as --encoding. */
    @Test
    void anUndeclaredEbcdicFileNamesItsCodePageAsTheEncodingOption() throws IOException {
        Path input = Files.write(directory.resolve("mainframe.csv"),
                "ACCOUNT,HOLDER,BALANCE\n0001234567,MUELLER KARL,1520.75\n".getBytes(java.nio.charset.Charset.forName("IBM037")));

        assertEquals(1, run("convert", "--input", input.toString(), "--output", directory.resolve("lake").toString()));
        assertTrue(out().contains(" With convert: --encoding IBM037 declares it for this file, as CSV_ENCODINGS=mainframe:IBM037 does for the dataset;"), out());
    }

    /**
     * A UTF-8 file of a dataset declared windows-1252 (Utf8Lookalike): the function's reason says to remove the CSV_ENCODINGS entry; on
     * convert, --encoding UTF-8 reads it as what it is over that entry, and an --encoding given is named by the reason as what declared windows-1252.
     */
    @Test
    void aUtf8FileDeclaredInASingleByteCharsetNamesTheEncodingOptionThatReadsItAsUtf8() throws IOException {
        Path input = Files.writeString(directory.resolve("people.csv"), "id,name\n1,Bj\u00f6rn\n");
        String lake = directory.resolve("lake").toString();

        assertEquals(1, run(Map.of("CSV_ENCODINGS", "people:windows-1252"), "convert", "--input", input.toString(), "--output", lake), err());
        assertTrue(out().startsWith("rejected people.csv: The file looks like UTF-8, not windows-1252,") && out().endsWith(" or save this file as windows-1252."
                + " With convert: --encoding UTF-8 reads this file as UTF-8 over its dataset's CSV_ENCODINGS entry; convert it again with it if the file"
                + " is UTF-8.\n"), out());
        out.reset();
        // Into another output, where it is no file rejected before with the same settings.
        assertEquals(1, run("convert", "--input", input.toString(), "--output", directory.resolve("other").toString(), "--encoding", "windows-1252"), err());
        // The reason itself names --encoding, what declared windows-1252, and what undoes it: no sentence after it corrects it.
        assertTrue(out().startsWith("rejected people.csv: The file looks like UTF-8, not windows-1252, the encoding --encoding declares for dataset people:")
                && out().endsWith(" Convert it again without --encoding (or with --encoding UTF-8 over a CSV_ENCODINGS entry) if the file is UTF-8, or save"
                + " this file as windows-1252.\n"), out());
        assertFalse(out().contains("With convert") || out().contains("CSV_ENCODINGS declares") || out().contains("entry from CSV_ENCODINGS"), out());
        out.reset();

        assertEquals(0, run(Map.of("CSV_ENCODINGS", "people:windows-1252"), "convert", "--input", input.toString(), "--output", lake, "--encoding", "UTF-8"),
                err());
        assertTrue(out().startsWith("converted people.csv as dataset people into ") && out().contains("1 row read, 1 written"), out());
    }

    /**
     * A charset given with --encoding, not CSV_ENCODINGS: the reason says --encoding declared it, for a UTF-8 file (Utf8Lookalike) and for a
     * byte windows-1252 does not define (UndecodableBytes), with no CSV_ENCODINGS entry anywhere; it said CSV_ENCODINGS declared it.
     */
    @Test
    void aRejectionForTheEncodingGivenWithTheOptionSaysTheOptionDeclaredIt() throws IOException {
        Path utf8 = Files.writeString(directory.resolve("people.csv"), "id,name\n1,Bj\u00f6rn\n");
        Path undefinedByte = Files.write(directory.resolve("clients.csv"), new byte[] {'i', 'd', ',', 'n', '\n', '1', ',', (byte) 0x81, '\n'});
        String lake = directory.resolve("lake").toString();

        assertEquals(1, run("convert", "--input", utf8.toString(), "--output", lake, "--encoding", "windows-1252"), err());
        assertTrue(out().startsWith("rejected people.csv: The file looks like UTF-8, not windows-1252, the encoding --encoding declares for dataset people:"
                + " every byte above 0x7F in its first 8192 bytes is part of a UTF-8 character, the first 0xC3 0xB6 at byte offset 12 (line 2)"), out());
        assertFalse(out().contains("CSV_ENCODINGS declares"), out());
        out.reset();

        assertEquals(1, run("convert", "--input", undefinedByte.toString(), "--output", lake, "--encoding", "windows-1252"), err());
        assertTrue(out().startsWith("rejected clients.csv: The file is not windows-1252, the encoding --encoding declares for dataset clients: byte sequence"
                + " 0x81, which windows-1252 does not define, at byte offset 7 (line 2). "), out());
        assertFalse(out().contains("CSV_ENCODINGS declares"), out());
    }

    /**
     * A charset given with --encoding that the file is not in, a byte it does not define or, for UTF-16, no NUL byte in the file's first bytes:
     * the remedy is to give the file's actual encoding with --encoding, the option that declared the wrong one and overrides any entry; it said
     * to set it in CSV_ENCODINGS, which convert reads only without --encoding, with no CSV_ENCODINGS entry anywhere.
     */
    @Test
    void aRejectionForTheEncodingGivenWithTheOptionSaysToGiveTheActualEncodingWithTheOption() throws IOException {
        Path undefinedByte = Files.write(directory.resolve("clients.csv"), new byte[] {'i', 'd', ',', 'n', '\n', '1', ',', (byte) 0x81, '\n'});
        Path ascii = Files.writeString(directory.resolve("orders.csv"), "id,n\n1,x\n");
        String lake = directory.resolve("lake").toString();

        assertEquals(1, run("convert", "--input", undefinedByte.toString(), "--output", lake, "--encoding", "windows-1252"), err());
        assertEquals("rejected clients.csv: The file is not windows-1252, the encoding --encoding declares for dataset clients: byte sequence 0x81, which"
                + " windows-1252 does not define, at byte offset 7 (line 2). Give the file's actual encoding with --encoding, or convert the file to"
                + " windows-1252.\n", out());
        out.reset();

        assertEquals(1, run("convert", "--input", ascii.toString(), "--output", lake, "--encoding", "UTF-16LE"), err());
        assertEquals("rejected orders.csv: The file is not UTF-16LE, the encoding --encoding declares for dataset orders: its first 9 bytes hold no NUL"
                + " byte, which the line breaks and delimiters of UTF-16LE text would hold. Give the file's actual encoding with --encoding, or convert"
                + " the file.\n", out());
    }

    /**
     * A file read as too many control characters in the charset --encoding declared: binary, or text in another encoding, which is to be
     * given with --encoding, the option that declared this one. It said that CSV_ENCODINGS declares a dataset's encoding, which --encoding
     * overrides and which this run never read.
     */
    @Test
    void aFileOfControlCharactersInTheEncodingGivenWithTheOptionSaysToGiveTheActualEncodingWithTheOption() throws IOException {
        Path input = Files.write(directory.resolve("ledger.csv"), controlCharacters());
        String lake = directory.resolve("lake").toString();

        assertEquals(1, run("convert", "--input", input.toString(), "--output", lake, "--encoding", "ISO-8859-1"), err());
        assertEquals("rejected ledger.csv: The file is not text: 100 of its first 106 characters are control characters, the first U+0001 on line 2"
                + " (binary data rather than CSV, or text in another encoding than the ISO-8859-1 it was read in). Give the file's actual encoding"
                + " with --encoding.\n", out());
    }

    /** The same file, its charset declared by a CSV_ENCODINGS entry, as the function reads it: the entry is where to set the actual one. */
    @Test
    void aFileOfControlCharactersInTheEncodingOfItsEntrySaysToSetTheActualEncodingInTheEntry() throws IOException {
        Path input = Files.write(directory.resolve("ledger.csv"), controlCharacters());
        String lake = directory.resolve("lake").toString();

        assertEquals(1, run(Map.of("CSV_ENCODINGS", "ledger:ISO-8859-1"), "convert", "--input", input.toString(), "--output", lake), err());
        assertEquals("rejected ledger.csv: The file is not text: 100 of its first 106 characters are control characters, the first U+0001 on line 2"
                + " (binary data rather than CSV, or text in another encoding than the ISO-8859-1 it was read in). Set the file's actual encoding in"
                + " CSV_ENCODINGS (without an entry the dataset is read as UTF-8).\n", out());
    }

    /** A header, then a row of 100 U+0001 characters: binary by ControlCharacters' rule in any ASCII-family charset. */
    private static byte[] controlCharacters() {
        return ("id,n\n" + "\u0001".repeat(100) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A UTF-8 file rejected under a CSV_ENCODINGS entry, then run again with the same charset given with --encoding: answered unchanged, its
     * recorded reason naming the entry to remove, and the sentence after it saying that --encoding now declares the charset and to leave it out,
     * which the reason, recorded under the entry, cannot say.
     */
    @Test
    void aRejectionRecordedUnderTheEntryAndAnsweredUnchangedToTheSameEncodingOptionNamesTheOption() throws IOException {
        Path input = Files.writeString(directory.resolve("people.csv"), "id,name\n1,Bj\u00f6rn\n");
        String lake = directory.resolve("lake").toString();
        assertEquals(1, run(Map.of("CSV_ENCODINGS", "people:windows-1252"), "convert", "--input", input.toString(), "--output", lake), err());
        out.reset();

        assertEquals(1, run("convert", "--input", input.toString(), "--output", lake, "--encoding", "windows-1252"), err());
        assertTrue(out().startsWith("unchanged people.csv: rejected before, read with the same settings (") && out().contains(": The file looks like UTF-8,"
                + " not windows-1252, the encoding CSV_ENCODINGS declares for dataset people: "), out());
        assertTrue(out().contains(" or save this file as windows-1252. With convert: windows-1252 is what --encoding windows-1252 declares; convert it again"
                + " without it (or with --encoding UTF-8 over a CSV_ENCODINGS entry) if the file is UTF-8. Change the file, or convert it"), out());
    }

    /** A mainframe export without a declaration: rejected, nothing written, with its code page to declare; converted once it is. */
    @Test
    void anUndeclaredEbcdicFileIsRejectedWithItsCodePageToDeclare() throws IOException {
        Path input = Files.write(directory.resolve("mainframe.csv"),
                "ACCOUNT,HOLDER,BALANCE\n0001234567,MUELLER KARL,1520.75\n0001234568,Zo\u00eb Dubois,-12.50\n".getBytes(java.nio.charset.Charset.forName("IBM037")));
        String lake = directory.resolve("lake").toString();

        assertEquals(1, run("convert", "--input", input.toString(), "--output", lake));
        assertTrue(out().startsWith("rejected mainframe.csv: The file is not UTF-8: invalid byte sequence 0xC1 0xC3 at byte offset 0 (line 1). It looks like"
                + " EBCDIC (a mainframe export): declare its code page, e.g. CSV_ENCODINGS=mainframe:IBM037 (US/Canada; IBM1047 for z/OS Unix,"), out());
        assertFalse(out().contains("windows-1252"), out());
        try (Stream<Path> files = Files.walk(Path.of(lake))) {
            assertFalse(files.anyMatch(file -> file.toString().endsWith(".parquet")), "no row of it written");
        }
        out.reset();

        assertEquals(0, run(Map.of("CSV_ENCODINGS", "mainframe:IBM037"), "convert", "--input", input.toString(), "--output", lake), err());
        assertTrue(out().startsWith("converted mainframe.csv as dataset mainframe into ") && out().contains("2 rows read, 2 written"), out());
    }

    /**
     * A mainframe export with packed-decimal and low-value fields: rejected, nothing written, told to export those fields as display
     * text and, undeclared, its code page; declared, still rejected, not converted into garbage.
     */
    @Test
    void aMainframeExportWithPackedDecimalFieldsIsRejectedWithWhatToDoAboutThem() throws IOException {
        Path input = Files.write(directory.resolve("ledger.csv"), MainframeExports.withBinaryFields(java.nio.charset.Charset.forName("IBM037"), 50));
        String lake = directory.resolve("lake").toString();

        assertEquals(1, run("convert", "--input", input.toString(), "--output", lake));
        assertTrue(out().startsWith("rejected ledger.csv: The file is not text: it holds a NUL byte at byte offset 65 (") && out().contains(" bytes). The rest of"
                + " its first bytes look like EBCDIC (a mainframe export) with binary fields in it: low values (0x00 bytes), packed-decimal (COMP-3) or"
                + " binary (COMP) numbers") && out().contains("Export those fields as display text") && out().contains("CSV_ENCODINGS=ledger:IBM037"), out());
        out.reset();

        assertEquals(1, run(Map.of("CSV_ENCODINGS", "ledger:IBM037"), "convert", "--input", input.toString(), "--output", lake), err());
        assertTrue(out().startsWith("rejected ledger.csv: The file is not text: it holds a NUL byte at byte offset 65 (") && out().contains("It is a mainframe"
                + " (EBCDIC) export with binary fields in it") && out().contains("Export those fields as display text"), out());
        try (Stream<Path> files = Files.walk(Path.of(lake))) {
            assertFalse(files.anyMatch(file -> file.toString().endsWith(".parquet")), "no row of it written");
        }
    }

    /** A Parquet file, the converter's own output, given as a CSV: rejected for its NUL bytes, not taken for a mainframe export. */
    @Test
    void aParquetFileIsNotTakenForAMainframeExport() throws IOException {
        StringBuilder csv = new StringBuilder("id,name,amount\n");
        for (int row = 0; row < 500; row++) {
            csv.append(row).append(",customer ").append(row % 37).append(',').append(row * 7 % 1000).append(".25\n");
        }
        Path input = Files.writeString(directory.resolve("orders.csv"), csv);
        assertEquals(0, run("convert", "--input", input.toString(), "--output", directory.resolve("lake").toString()), err());
        Path parquet;
        try (Stream<Path> files = Files.walk(directory.resolve("lake/orders"))) {
            parquet = files.filter(file -> file.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        Path disguised = Files.copy(parquet, directory.resolve("exported.csv"));
        out.reset();

        assertEquals(1, run("convert", "--input", disguised.toString(), "--output", directory.resolve("other").toString()));
        assertTrue(out().startsWith("rejected exported.csv: The file is not text: it holds a NUL byte at byte offset ") && !out().contains("EBCDIC"), out());
    }

    /**
     * A European export's amounts with decimal commas, dates day first and Y/N flags are inferred string: the summary says what
     * they look like and the cast a gold model makes, and the Parquet holds every value as written.
     */
    @Test
    void aNewDatasetsStringColumnsThatLookTypedAreNamedWithTheirCast() throws IOException {
        Path input = Files.writeString(directory.resolve("orders.csv"), "id;amount;ordered;paid;customer\n1;1.234,56;31/01/2026;Y;Ann\n2;12,5;01/02/2026;N;Bob\n");
        String lake = directory.resolve("lake").toString();

        assertEquals(0, run("convert", "--input", input.toString(), "--output", lake, "--dataset", "orders"), err());

        assertTrue(out().contains("_schemas/orders.json: id bigint, amount string (its values look like numbers with a decimal comma (\"1.234,56\"), which a double"
                + " does not read (its decimal mark is '.'): the column stays string, each value kept as written; to have numbers, cast it in a gold model:"
                + " CAST(replace(replace(amount, '.', ''), ',', '.') AS double)), ordered string (its values look like dates written day first, dd/mm/yyyy"
                + " (\"31/01/2026\"), which a date does not read (it reads yyyy-MM-dd): the column stays string, each value kept as written; to have dates,"
                + " cast it in a gold model: CAST(substr(ordered, 7, 4) || '-' || substr(ordered, 4, 2) || '-' || substr(ordered, 1, 2) AS date)),"
                + " paid string (its values look like booleans written Y and N (\"Y\"), which a boolean does not read (it reads true and false): the column"
                + " stays string, each value kept as written; to have booleans, cast it in a gold model: CASE upper(trim(paid)) WHEN 'Y' THEN true WHEN 'N'"
                + " THEN false END), customer string\n"), out());
        Path parquet;
        try (Stream<Path> files = Files.walk(directory.resolve("lake/orders"))) {
            parquet = files.filter(file -> file.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        List<String> written = ParquetTestFiles.readAll(parquet).stream()
                .map(record -> record.get("amount") + "|" + record.get("ordered") + "|" + record.get("paid")).toList();
        assertEquals(List.of("1.234,56|31/01/2026|Y", "12,5|01/02/2026|N"), written);
    }

    /** A later file's line names no contract, so no hint either; nor does a new dataset whose string columns are text. */
    @Test
    void stringColumnsOfTextOrOfALaterFileAreNotHinted() throws IOException {
        Path first = Files.writeString(directory.resolve("people-1.csv"), "id,name,zip\n1,Ann,01234\n2,Bob,75001\n");
        Path second = Files.writeString(directory.resolve("people-2.csv"), "id,name,zip\n3,\"1,234.5\",13008\n");
        String lake = directory.resolve("lake").toString();

        assertEquals(0, run("convert", "--input", first.toString(), "--output", lake, "--dataset", "people"), err());
        assertTrue(out().contains("_schemas/people.json: id bigint, name string, zip string\n"), out());
        out.reset();
        assertEquals(0, run("convert", "--input", second.toString(), "--output", lake, "--dataset", "people"), err());
        assertFalse(out().contains("look like"), out());
    }

    /**
     * A MySQL {@code SELECT ... INTO OUTFILE} export, tab-delimited with {@code \N} and no header: its first row named the columns,
     * which the new dataset's line says, with what to do; a header of names, however typed its columns, is told nothing.
     */
    @Test
    void aHeaderThatReadsAsARowOfDataIsSaid() throws IOException {
        Path outfile = Files.writeString(directory.resolve("orders.csv"), "1\tAnn\t\\N\t2025-01-02\n2\tBen\t3.50\t\\N\n3\t\\N\t4.00\t2025-01-04\n");
        Path named = Files.writeString(directory.resolve("people.csv"), "id\tname\tamount\tborn\tactive\n1\tAnn\t3.50\t2025-01-02\ttrue\n");
        String lake = directory.resolve("lake").toString();

        assertEquals(0, run("convert", "--input", outfile.toString(), "--output", lake, "--dataset", "orders"), err());
        assertTrue(out().contains("2 rows read, 2 written, 0 quarantined"), out());
        // Its \\N kept as text in a string column is said too, with the declaration that makes it null.
        assertTrue(out().contains("_schemas/orders.json: _1 bigint, ann string (its values hold \"\\N\" for a missing value, as MySQL's INTO OUTFILE and"
                + " PostgreSQL's COPY write one, which a string column keeps as text: declare it null,"
                + " CSV_NULL_VALUES=orders:\\N, or in a gold model: nullif(ann, '\\N')), n double, _2025_01_02 date; its header reads as a row of data"
                + " ('1' a bigint, '\\N' a null marker, '2025-01-02' a date): a file without a header line (bcp and MySQL's SELECT ... INTO OUTFILE write none)"
                + " has its first row read as the column names, that row in no table; if so, put a line of the column names above its rows (or export it"
                + " with one), delete " + directory.resolve("lake/_schemas/orders.json") + " and run again\n"), out());
        out.reset();
        assertEquals(0, run("convert", "--input", named.toString(), "--output", lake, "--dataset", "people"), err());
        assertTrue(out().contains("_schemas/people.json: id bigint, name string, amount double, born date, active boolean\n"), out());
        assertFalse(out().contains("its header reads as a row of data"), out());
    }

    /** A later file of a dataset with a column more and one less than its contract: both said in the summary, not only in the manifest. */
    @Test
    void columnsTheContractLacksOrTheFileLacksAreNamed() throws IOException {
        Path first = Files.writeString(directory.resolve("people-1.csv"), "id,name,amount\n1,Ann,2\n");
        Path second = Files.writeString(directory.resolve("people-2.csv"), "id,amount,country\n2,3,FR\n");
        String lake = directory.resolve("lake").toString();
        assertEquals(0, run("convert", "--input", first.toString(), "--output", lake, "--dataset", "people"));
        assertFalse(out().contains("columns"), out());
        assertTrue(out().contains("; a new dataset: its schema contract, inferred from this file, is ") && out().contains("_schemas/people.json: id bigint, name string, amount bigint\n"),
                out());
        out.reset();

        assertEquals(0, run("convert", "--input", second.toString(), "--output", lake, "--dataset", "people"));

        assertTrue(out().contains("1 row read, 1 written, 0 quarantined"), out());
        assertTrue(out().contains("; columns not in the dataset's schema contract, so not written: \"country\" (column 3); columns in the contract but not in the file, "
                + "so written as null: name (the contract: "), out());
        assertTrue(out().contains("_schemas/people.json): fix the file's header (a typo of a contract column's name) or add the column to the contract;"
                + " fix the export, or change the contract (a renamed column's sourceName to the file's header text, a column gone for good out of it),"
                + " or declare it with --contracts DIR (a copy of it, edited), then convert the file again\n"), out());
        assertFalse(out().contains("a new dataset"), out());

        out.reset();
        Path third = Files.writeString(directory.resolve("people-3.csv"), "id,name,amount\n3,Bo,12.50\n");
        assertEquals(1, run("convert", "--input", third.toString(), "--output", lake, "--dataset", "people"));
        assertTrue(out().contains("1 row read, 0 written, 1 quarantined") && out().contains(" (the types are the dataset's schema contract's: ")
                && out().contains("_schemas/people.json)"), out());
    }

    /**
     * Rows refused only for their number of fields are no matter of types: the line names the contract, where a
     * type is widened, only once a row was refused for a value that does not fit its column's type.
     */
    @Test
    void aLineOfRowsQuarantinedOnlyForTheirNumberOfFieldsDoesNotPointToTheContract() throws IOException {
        String lake = directory.resolve("lake").toString();
        Path first = Files.writeString(directory.resolve("orders-1.csv"), "order_id,amount\n1,2.5\n");
        assertEquals(0, run("convert", "--input", first.toString(), "--output", lake, "--dataset", "orders"), err());
        out.reset();

        Path wide = Files.writeString(directory.resolve("orders-2.csv"), "order_id,amount\n2,3.5,extra\n3,4.5\n");
        assertEquals(0, run("convert", "--input", wide.toString(), "--output", lake, "--dataset", "orders"), err());
        assertTrue(out().contains(": 2 rows read, 1 written, 1 quarantined; "), out());
        assertFalse(out().contains("schema contract") || out().contains("_schemas/"), out());
        out.reset();

        Path mistyped = Files.writeString(directory.resolve("orders-3.csv"), "order_id,amount\n4,n/a\n5,6.5,extra\n");
        assertEquals(1, run("convert", "--input", mistyped.toString(), "--output", lake, "--dataset", "orders"), err());
        assertTrue(out().contains(".csv (the types are the dataset's schema contract's: " + directory.resolve("lake/_schemas/orders.json") + ")"), out());
    }

    /** A folder is what lakehouse-local.jar converts, each file into its dataset: the error says so. */
    @Test
    void aFolderAsInputIsToldToUseTheLocalCommand() throws IOException {
        Path folder = Files.createDirectories(directory.resolve("exports"));

        assertEquals(2, run("convert", "--input", folder.toString(), "--output", directory.resolve("lake").toString()));

        assertEquals("error: --input " + folder + " is a folder: give one .csv, .csv.gz or .dat file; to convert every file of a folder, each into its"
                + " dataset, and build gold too, run java -jar lakehouse-local.jar local --input " + folder + " --lake DIR (docs/local.md)\n", err());
    }

    /** A folder whose name holds a space is quoted in the command to paste, which would otherwise take it as two words. */
    @Test
    void aFolderWithASpaceIsQuotedInTheCommandToPaste() throws IOException {
        Path folder = Files.createDirectories(directory.resolve("My Exports"));

        assertEquals(2, run("convert", "--input", folder.toString(), "--output", directory.resolve("lake").toString()));

        assertEquals("error: --input " + folder + " is a folder: give one .csv, .csv.gz or .dat file; to convert every file of a folder, each into its"
                + " dataset, and build gold too, run java -jar lakehouse-local.jar local --input '" + folder + "' --lake DIR (docs/local.md)\n", err());
    }

    /** A first file none of whose rows fits its header stores no contract: the line names none for the types. */
    @Test
    void aFileThatStoresNoContractPointsToNone() throws IOException {
        Path input = Files.writeString(directory.resolve("broken.csv"), "id,amount,note\n1,2.5\n2,3.5\n");
        String lake = directory.resolve("lake").toString();

        assertEquals(1, run("convert", "--input", input.toString(), "--output", lake, "--dataset", "people"), err());

        assertTrue(out().contains("2 rows read, 0 written, 2 quarantined"), out());
        // No contract's path, and the reason there is none (the manifest's).
        assertFalse(out().contains("_schemas/") || out().contains("the types are"), out());
        assertTrue(out().contains(" (no schema contract: none of the file's first rows (up to 100000), from which a new dataset's contract is inferred,"
                + " has the header's 3 fields, so no contract was inferred from this file and none of its rows is written; fix the header or the rows"
                + " and upload the file again; the file was read with ',' as its delimiter (comma): if it has another, declare it (CSV_DELIMITERS=people:semicolon,"
                + " or tab or pipe) and convert it again)\n"), out());
        assertFalse(Files.exists(directory.resolve("lake/_schemas/people.json")));
    }

    /**
     * A one-column European export (decimal commas, `1,5`) is detected as comma-delimited, so no row has
     * the header's one field: the reason said only "fix the header or the rows", when declaring the
     * file's delimiter converts it unchanged.
     */
    @Test
    void aFileNoneOfWhoseRowsFitsItsHeaderNamesTheDelimiterItWasReadWithAndHowToDeclareAnother() throws IOException {
        Path input = Files.writeString(directory.resolve("prices.csv"), "price\n1,5\n2,25\n");
        String lake = directory.resolve("lake").toString();

        assertEquals(1, run("convert", "--input", input.toString(), "--output", lake), err());

        assertTrue(out().contains("2 rows read, 0 written, 2 quarantined"), out());
        assertTrue(out().contains(", has the header's 1 field, so no contract was inferred from this file"), out());
        assertTrue(out().contains("; the file was read with ',' as its delimiter (comma): if it has another, declare it (CSV_DELIMITERS=prices:semicolon,"
                + " or tab or pipe) and convert it again)\n"), out());

        assertEquals(0, run("convert", "--input", input.toString(), "--output", directory.resolve("declared").toString(), "--delimiter", "semicolon"), err());
        assertTrue(out().contains("2 rows read, 2 written, 0 quarantined"), out());

        // Read with tabs, declared: the hint names the tab once, and offers the others.
        Path tabbed = Files.writeString(directory.resolve("pairs.csv"), "a\tb\n1\n2\n");
        assertEquals(1, run("convert", "--input", tabbed.toString(), "--output", directory.resolve("tabbed").toString(), "--delimiter", "tab"), err());
        assertTrue(out().contains("; the file was read with tabs as its delimiter: if it has another, declare it (CSV_DELIMITERS=pairs:comma,"
                + " or semicolon or pipe) and convert it again)\n"), out());
    }

    /** A file refused after its first rows defined the dataset's contract: the contract stays, and the line says so. */
    @Test
    void aFileRejectedAfterItDefinedTheContractSaysTheContractStays() throws IOException {
        Path input = Files.writeString(directory.resolve("notes.csv"), "id,note\n1,a\n2,b\n3,c\n4,\"never closed\n5,e\n");

        assertEquals(1, run(Map.of("CHUNK_ROWS", "2"), "convert", "--input", input.toString(), "--output", directory.resolve("lake").toString()));

        assertTrue(out().startsWith("rejected notes.csv: Malformed CSV in ") && out().contains("the quote that opens a field on line 5 is never closed"), out());
        assertTrue(out().contains(" (its first rows defined the dataset's schema contract, which stays: ") && out().contains("_schemas/notes.json: id bigint, note string)"),
                out());
        assertTrue(Files.exists(directory.resolve("lake/_schemas/notes.json")));
    }

    @Test
    void anEncodingJavaDoesNotKnowIsNamedAsGiven() {
        assertEquals(2, run("convert", "--input", "x.csv", "--output", directory.toString(), "--encoding", "klingon"));
        assertEquals("error: --encoding names charset 'klingon', which Java does not support; use a name such as windows-1252, ISO-8859-1, UTF-8 or UTF-16LE\n",
                err());
    }

    @Test
    void aRejectedFileExitsNonZeroWithTheReason() throws IOException {
        Path input = Files.write(directory.resolve("image.csv"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13});

        assertEquals(1, run("convert", "--input", input.toString(), "--output", directory.resolve("lake").toString()));

        assertTrue(out().startsWith("rejected image.csv: The file is not text"), out());
    }

    /** A customers file converted into sales shares one column with its contract: it is refused, exit code 1, nothing of it written. */
    @Test
    void anotherDatasetsFileIsRejectedWithExitCodeOneAndNothingWritten() throws IOException {
        Path sales = Files.writeString(directory.resolve("sales.csv"), "transaction_id,customer_id,quantity,total_amount\n1,10001,2,9.5\n");
        Path customers = Files.writeString(directory.resolve("customers.csv"), "customer_id,name,email,city\n10001,Ann,ann@example.net,Lyon\n");
        Path lake = directory.resolve("lake");
        assertEquals(0, run("convert", "--input", sales.toString(), "--output", lake.toString(), "--dataset", "sales"));
        out.reset();

        assertEquals(1, run("convert", "--input", customers.toString(), "--output", lake.toString(), "--dataset", "sales"));

        assertTrue(out().startsWith("rejected customers.csv: Most of the file's columns are not in dataset sales's schema contract: 3 of the 4 columns of "),
                out());
        assertTrue(out().contains("(\"name\" (column 2), \"email\" (column 3), \"city\" (column 4)) are not in it, and it shares 1 (customer_id)"), out());
        try (var files = Files.walk(lake)) {
            assertEquals(1, files.filter(file -> file.toString().endsWith(".parquet")).count(), "the sales file's part alone");
        }
    }

    @Test
    void explainsWhatIsWrongWithTheArguments() {
        assertEquals(2, run());
        assertTrue(err().startsWith("Usage: java -jar silver-converter.jar convert"), err());

        // The command alone, as nothing at all, asks for what to give: the usage, not one missing option at a time.
        err.reset();
        assertEquals(2, run("convert"));
        assertTrue(err().startsWith("Usage: java -jar silver-converter.jar convert"), err());

        err.reset();
        assertEquals(2, run("convert", "--input", "x.csv"));
        assertTrue(err().startsWith("error: --output is required"), err());

        err.reset();
        assertEquals(2, run("convert", "--input", "x.csv", "--output", "out", "extra.csv"));
        assertTrue(err().startsWith("error: unexpected argument 'extra.csv'"), err());

        err.reset();
        assertEquals(2, run("convert", "--input", "x.csv", "--output", "out", "--colour"));
        assertTrue(err().startsWith("error: unknown option --colour"), err());

        err.reset();
        assertEquals(2, run("convert", "--input", "x.csv", "--output", "out", "--delimiter", "colon"));
        assertTrue(err().startsWith("error: --delimiter must be one of [comma, pipe, semicolon, tab], got 'colon'"), err());

        err.reset();
        assertEquals(2, run("transmogrify"));
        assertTrue(err().startsWith("error: unknown command 'transmogrify'"), err());
        // lakehouse-local.jar's command, asked for its help here: refused as when run, not answered with convert's usage and exit code 0.
        String unknownLocal = "error: unknown command 'local': the command is convert (java -jar silver-converter.jar convert --input FILE --output DIR)\n"
                + "Run with --help for the options.\n";
        for (String help : List.of("--help", "-h")) {
            err.reset();
            out.reset();
            assertEquals(2, run("local", help));
            assertEquals(unknownLocal, err());
            assertEquals("", out());
        }

        err.reset();
        assertEquals(2, run("convert", "--input", directory.resolve("missing.csv").toString(), "--output", directory.toString()));
        assertTrue(err().startsWith("error: input file ") && err().contains("missing.csv does not exist"), err());
        assertFalse(err().contains("Exception"), err());
    }

    /**
     * The bucket's notification delivers only .csv, .csv.gz and .dat keys to the function, so a file named
     * otherwise (a README, a .tsv export) is a wrong argument, as the local command refuses it, rather than a
     * dataset of its own (readme_md) with its lines quarantined and a contract inferred from them.
     */
    @Test
    void aFileWhoseNameTheFunctionIsNeverDeliveredIsAWrongArgument() throws IOException {
        Path readme = Files.writeString(directory.resolve("README.md"), "# Sales\n\nThe monthly exports, one file per month.\n");
        Path output = directory.resolve("lake");

        assertEquals(2, run("convert", "--input", readme.toString(), "--output", output.toString()));

        assertEquals("error: --input " + readme + " is a file whose name does not end in .csv, .csv.gz or .dat, which the function does not convert (its log says so, as not converted):"
                + " give a CSV file (rename it to end in .csv if it is one)\n", err());
        assertEquals("", out());
        assertFalse(Files.exists(output), "nothing written");

        // In any case, as the local command and bronze-ingest take them.
        err.reset();
        Path upper = Files.writeString(directory.resolve("ORDERS.CSV"), "id,amount\n1,2.50\n");
        assertEquals(0, run("convert", "--input", upper.toString(), "--output", output.toString()), err());
        assertTrue(out().startsWith("converted ORDERS.CSV as dataset orders into "), out());
    }

    /** A workbook renamed to .csv, as the refusal of another name advises, would be rejected as a ZIP archive: it is told to export it. */
    @Test
    void aSpreadsheetIsToldToBeExportedAsCsvNotRenamed() throws IOException {
        Path workbook = Files.write(directory.resolve("Q3 Report.xlsx"), new byte[] {'P', 'K', 3, 4, 20, 0, 6, 0});
        Path output = directory.resolve("lake");

        assertEquals(2, run("convert", "--input", workbook.toString(), "--output", output.toString()));

        assertEquals("error: --input " + workbook + " is a file whose name does not end in .csv, .csv.gz or .dat, which the function does not convert (its log says so, as not converted):"
                + " a .xlsx file is a spreadsheet, not CSV text: open it and export each sheet as CSV (in Excel, Save As"
                + " \"CSV UTF-8 (Comma delimited)\"; its plain \"CSV\" is in the machine's code page, which needs a CSV_ENCODINGS entry),"
                + " then give the .csv file\n", err());
        assertFalse(Files.exists(output), "nothing written");
    }

    /** The help says of --null-values what the converter does: with --quoted-empty-strings a marker read quoted is text, not null in every column. */
    @Test
    void theHelpSaysAQuotedMarkerIsTextWithQuotedEmptyStrings() {
        assertEquals(0, run("--help"));
        String help = out().replaceAll("\\s+", " ");
        assertTrue(help.contains("null in every column of the dataset, text columns included, but with --quoted-empty-strings one read quoted"
                + " (\"NULL\") is that text in a text column;"), help);
        assertTrue(help.contains("a declared marker read quoted is text there too"), help);
    }

    /** The exit codes docs/local.md gives, in the help as lakehouse-local.jar's and bronze-ingest's give theirs. */
    @Test
    void theHelpSaysTheExitCodes() {
        assertEquals(0, run("--help"));
        assertTrue(out().endsWith("Exit code: 0 converted (or empty, or converted before and unchanged), 1 the file was rejected (now, or\n"
                + "before with the same settings), had every row quarantined (none of its rows is in its table), or failed\n"
                + "to be read or written while converting, 2 wrong usage (an --input this user cannot read, an --output it\n"
                + "cannot write, among them: refused before anything is written).\n"), out());
    }

    /**
     * A typo is answered in two lines, as bronze-ingest answers it: printed after the error, the usage's twenty
     * lines pushed the error itself off the top of the screen. Left out, the command word is named.
     */
    @Test
    void aWrongArgumentIsTheErrorAndAHintNotTheWholeUsage() {
        String hint = "Run with --help for the options.\n";
        assertEquals(2, run("convert", "--input", "x.csv", "--output", "out", "--out", "x"));
        assertEquals("error: unknown option --out\n" + hint, err());

        err.reset();
        assertEquals(2, run("convert", "--input", "x.csv"));
        assertEquals("error: --output is required\n" + hint, err());

        err.reset();
        assertEquals(2, run("--input", "x.csv", "--output", "out"));
        assertEquals("error: unknown command '--input': the command is convert (java -jar silver-converter.jar convert --input FILE --output DIR)\n" + hint,
                err());
        assertEquals("", out());
    }

    /** A file given as --output is a wrong argument named by its option, not an I/O error on its silver keys. */
    @Test
    void anOutputThatIsAFileOrLiesUnderOneIsAWrongArgumentNamingTheOption() throws IOException {
        Path input = Files.writeString(directory.resolve("orders.csv"), "id,amount\n1,2.50\n");
        Path file = Files.writeString(directory.resolve("afile"), "not a folder");

        assertEquals(2, run("convert", "--input", input.toString(), "--output", file.toString()));
        assertEquals("error: --output " + file + " is a file: give a folder (it is created if missing)\n", err());
        assertEquals("", out());

        err.reset();
        assertEquals(2, run("convert", "--input", input.toString(), "--output", file.resolve("silver").toString()));
        assertEquals("error: --output " + file.resolve("silver") + " lies under " + file + ", which is a file: give a folder (it is created if missing)\n", err());

        // A folder still to be made, parents and all, is fine.
        err.reset();
        assertEquals(0, run("convert", "--input", input.toString(), "--output", directory.resolve("new/silver").toString()), err());
    }

    /** A file named with a backslash (a zip made on Windows, unpacked elsewhere) is read by range like any other. */
    @Test
    void aFileNamedWithABackslashIsReadByRange() throws IOException {
        StringBuilder csv = new StringBuilder("id,amount\n");
        for (int i = 0; i < 2000; i++) {
            csv.append(i).append(',').append(i * 1.5).append('\n');
        }
        Path input = Files.writeString(directory.resolve("reports\\2026\\sales.csv"), csv);

        assertEquals(0, run(Map.of("RANGE_READERS", "2", "MIN_RANGE_BYTES", "4096", "CHUNK_ROWS", "100"), "convert", "--input", input.toString(),
                "--output", directory.resolve("lake").toString()), err());
        assertTrue(out().contains("2000 rows read, 2000 written, 0 quarantined; 2 part(s)"), out());
    }

    /**
     * A contract declared with --contracts types the dataset's first file, as a contract Terraform declared
     * does in the bucket: the messy file's text is quarantined rather than typing the column string, and
     * the contract is the declared file, byte for byte. Without it, this file would make amount a string.
     */
    @Test
    void aDeclaredContractTypesTheFirstFileConvertedAndItsMisfitsAreQuarantined() throws IOException {
        Path contracts = Files.createDirectories(directory.resolve("contracts"));
        String declared = contract("orders", "amount", "double");
        Files.writeString(contracts.resolve("orders.json"), declared);
        Path input = Files.writeString(directory.resolve("orders.csv"), "id,amount\n1,N/A\n2,3.5\n3,unknown\n");
        Path lake = directory.resolve("lake");

        assertEquals(0, run("convert", "--input", input.toString(), "--output", lake.toString(), "--contracts", contracts.toString()), err());

        List<String> lines = out().lines().toList();
        assertEquals(2, lines.size(), out());
        assertEquals("contract orders, declared in " + contracts.resolve("orders.json") + ": put at " + lake.resolve("_schemas/orders.json")
                + ": id bigint, amount double", lines.get(0));
        assertTrue(lines.get(1).startsWith("converted orders.csv as dataset orders into ") && lines.get(1).contains("3 rows read, 1 written, 2 quarantined"), out());
        // The declared file, not the lake's copy, which every conversion with --contracts replaces: an edit there would be undone.
        assertTrue(lines.get(1).contains(" (the types are the dataset's schema contract's: " + contracts.resolve("orders.json") + " (--contracts))"), out());
        assertFalse(lines.get(1).contains("_schemas/"), out());
        assertFalse(out().contains("a new dataset"), out());
        assertEquals(declared, Files.readString(lake.resolve("_schemas/orders.json")));

        out.reset();
        assertEquals(0, run("convert", "--input", input.toString(), "--output", lake.toString(), "--contracts", contracts.toString()), err());
        assertEquals("contract orders, declared in " + contracts.resolve("orders.json") + ": the lake holds it already at " + lake.resolve("_schemas/orders.json"),
                out().lines().findFirst().orElseThrow());
        assertTrue(out().contains("\nunchanged orders.csv: already converted"), out());
    }

    /**
     * For a dataset --contracts declares, the file's line names the declared file as the contract its columns differ from,
     * since the command puts it over the lake's copy before every conversion (an edit of that copy is undone), and says what
     * to do: fix the header or the export, or change the contract, with no advice to declare the contract it declares.
     */
    @Test
    void columnsOffADeclaredContractNameTheDeclaredFileAndWhatToDo() throws IOException {
        Path contracts = Files.createDirectories(directory.resolve("contracts"));
        Files.writeString(contracts.resolve("orders.json"), contract("orders", "amount", "double"));
        Path lake = directory.resolve("lake");
        Path extra = Files.writeString(directory.resolve("orders-1.csv"), "id,amount,note\n1,2.5,first\n");

        assertEquals(0, run("convert", "--input", extra.toString(), "--output", lake.toString(), "--dataset", "orders", "--contracts", contracts.toString()),
                err());

        String converted = out().lines().filter(line -> line.startsWith("converted ")).findFirst().orElseThrow(() -> new AssertionError(out()));
        assertTrue(converted.endsWith("; columns not in the dataset's schema contract, so not written: \"note\" (column 3) (the contract: "
                + contracts.resolve("orders.json") + " (--contracts)): fix the file's header (a typo of a contract column's name) or add the column"
                + " to the contract, then convert the file again"), converted);
        out.reset();

        Path lacking = Files.writeString(directory.resolve("orders-2.csv"), "id\n2\n");
        assertEquals(0, run("convert", "--input", lacking.toString(), "--output", lake.toString(), "--dataset", "orders", "--contracts", contracts.toString()),
                err());

        converted = out().lines().filter(line -> line.startsWith("converted ")).findFirst().orElseThrow(() -> new AssertionError(out()));
        assertTrue(converted.endsWith("; columns in the contract but not in the file, so written as null: amount (the contract: " + contracts.resolve("orders.json")
                + " (--contracts)): fix the export, or change the contract (a renamed column's sourceName to the file's header text, a column gone"
                + " for good out of it), then convert the file again"), converted);
        assertFalse(converted.contains("_schemas/"), converted);
    }

    /**
     * A value refused in a typed column whose text is a common marker of a missing value, though no default one, is told
     * how to declare it null for its dataset, in the quarantine file's reason; NaN in a double column, more likely a
     * computation gone wrong, is told what it is and to mend it at the source, and a value that is simply something else no more.
     */
    @Test
    void aRefusedValueThatLooksLikeANullMarkerIsToldHowToDeclareIt() throws IOException {
        Path lake = directory.resolve("lake");
        Path first = Files.writeString(directory.resolve("orders-1.csv"), "id,qty,amount\n1,2,2.5\n");
        assertEquals(0, run("convert", "--input", first.toString(), "--output", lake.toString(), "--dataset", "orders"), err());
        Path later = Files.writeString(directory.resolve("orders-2.csv"),
                "id,qty,amount\n2,N/A,1.5\n3, - ,NaN\n4,abc,1.0\n5,7,NaN\n6,NaN,#N/A\n7,Null,n/a\n");

        assertEquals(1, run("convert", "--input", later.toString(), "--output", lake.toString(), "--dataset", "orders"), err());

        assertTrue(out().contains("6 rows read, 0 written, 6 quarantined"), out());
        List<String> quarantined;
        try (Stream<Path> files = Files.walk(lake.resolve("_quarantine"))) {
            // The first file quarantined nothing: this file's is the only one.
            List<Path> written = files.filter(Files::isRegularFile).toList();
            assertEquals(1, written.size(), written.toString());
            quarantined = Files.readString(written.get(0)).lines().toList();
        }
        // No comma in a reason with the hint, so the quarantine file leaves it unquoted (" - " and "#N/A" are quoted as RFC 4180 writers do).
        String hint = " (declare it null if it stands for a missing value: CSV_NULL_VALUES=orders:%s or convert --null-values %s): the dataset's"
                + " contract _schemas/orders.json types it %s";
        String notANumber = "column amount: 'NaN' is not a double (NaN: not a number but what a computation such as 0/0 gives and a double column"
                + " holds numbers alone: mend it at the source or have the export leave the field empty): the dataset's contract _schemas/orders.json"
                + " types it double; or declare it null if it stands for a missing value: CSV_NULL_VALUES=orders:NaN or convert --null-values NaN";
        assertEquals(List.of(
                "source_line,reason,id,qty,amount",
                "2,column qty: 'N/A' is not a bigint" + hint.formatted("N/A", "N/A", "bigint") + ",2,N/A,1.5",
                "3,column qty: ' - ' is not a bigint" + hint.formatted("-", "-", "bigint") + "; " + notANumber + ",3,\" - \",NaN",
                "4,column qty: 'abc' is not a bigint,4,abc,1.0",
                "5," + notANumber + ",5,7,NaN",
                "6,column qty: 'NaN' is not a bigint" + hint.formatted("NaN", "NaN", "bigint") + "; column amount: '#N/A' is not a double"
                        + hint.formatted("#N/A", "'#N/A'", "double") + ",6,NaN,\"#N/A\"",
                "7,column qty: 'Null' is not a bigint" + hint.formatted("Null", "Null", "bigint") + "; column amount: 'n/a' is not a double"
                        + hint.formatted("n/a", "n/a", "double") + ",7,Null,n/a"), quarantined);
        out.reset();

        // The hint, followed, mends the rows it was given for.
        assertEquals(0, run("convert", "--input", later.toString(), "--output", lake.toString(), "--dataset", "orders", "--null-values", "N/A,-,n/a,Null,#N/A"),
                err());
        assertTrue(out().contains("6 rows read, 2 written, 4 quarantined"), out());
    }

    /**
     * What the converter would refuse of a stored contract refuses the run before anything is written, every
     * file named with what to change: a dataset other than its file's, JSON it cannot read, a type it does
     * not know, a name the catalog cannot hold, and a file the converter would never read.
     */
    @Test
    void contractsTheConverterWouldRefuseRefuseTheRunBeforeAnythingIsWritten() throws IOException {
        Path contracts = Files.createDirectories(directory.resolve("contracts"));
        Files.writeString(contracts.resolve("customers.json"), contract("customers", "amount", "double"));
        Files.writeString(contracts.resolve("orders.json"), contract("sales", "amount", "double"));
        Files.writeString(contracts.resolve("products.json"), "{\"dataset\": \"products\",");
        Files.writeString(contracts.resolve("stores.json"), contract("stores", "amount", "decimal"));
        Files.writeString(contracts.resolve("visits.json"), contract("visits", "ingest_date", "date"));
        Files.writeString(contracts.resolve("Sales EU.json"), contract("sales_eu", "amount", "double"));
        Path input = Files.writeString(directory.resolve("orders.csv"), "id,amount\n1,2.5\n");
        Path lake = directory.resolve("lake");

        assertEquals(2, run("convert", "--input", input.toString(), "--output", lake.toString(), "--contracts", contracts.toString()));

        List<String> lines = err().lines().toList();
        assertEquals(5, lines.size(), err());
        assertTrue(lines.get(0).startsWith("error: " + contracts.resolve("Sales EU.json") + ": the converter reads a dataset's contract at _schemas/<dataset>.json")
                && lines.get(0).endsWith("Name the file after the dataset's table (sales_eu.json for a folder named Sales EU)."), lines.get(0));
        assertEquals("error: Schema contract " + contracts.resolve("orders.json") + " is of dataset 'orders' (its file name) but says \"dataset\": \"sales\""
                + " (a copy of that dataset's contract?). Set \"dataset\": \"orders\" in it, or take it out of the directory; without it the dataset's first"
                + " file defines its contract.", lines.get(1));
        assertTrue(lines.get(2).startsWith("error: Schema contract " + contracts.resolve("products.json") + " is not valid: Unexpected end-of-input")
                && lines.get(2).endsWith(" (line 1, column 24). Fix it, or take it out of the directory; without it the dataset's first file defines its contract."),
                lines.get(2));
        assertEquals("error: Schema contract " + contracts.resolve("stores.json") + " is not valid: column amount: Unknown column type 'decimal': a decimal is"
                + " written decimal(p,s), its precision and scale both given; expected one of boolean, bigint, double, date, timestamp, string, or"
                + " decimal(p,s) with precision p 1 to 38 and scale s 0 to p (decimal(12,2) keeps 10 digits before the point and 2 after),"
                + " at columns[1].type (line 9, column 14). Fix it, or take it out of the directory; without it the dataset's first file defines its contract.",
                lines.get(3));
        assertTrue(lines.get(4).startsWith("error: Schema contract " + contracts.resolve("visits.json") + ": Column 'ingest_date' of the schema contract of dataset visits"
                + " has the name of the partition key") && lines.get(4).endsWith(". Nothing was converted."), lines.get(4));
        assertFalse(err().contains("customers.json"), "a valid contract is not named: " + err());
        assertEquals("", out());
        assertFalse(Files.exists(lake), "nothing may be written");

        err.reset();
        Path empty = Files.createDirectories(directory.resolve("empty"));
        assertEquals(2, run("convert", "--input", input.toString(), "--output", lake.toString(), "--contracts", empty.toString()));
        assertEquals("error: --contracts " + empty + " holds no <dataset>.json file: give the directory that holds the schema contracts"
                + " (sample-data holds the sample datasets'). Nothing was converted.\n", err());
        assertFalse(Files.exists(lake), "nothing may be written");
    }

    /**
     * A lake holding another contract of the dataset gets the declared one, as terraform apply replaces the
     * object, and says so: the next file is held to the declared types; the one converted before keeps its own.
     */
    @Test
    void aLakeHoldingAnotherContractGetsTheDeclaredOneAndSaysItReplacedIt() throws IOException {
        Path lake = directory.resolve("lake");
        Path first = Files.writeString(directory.resolve("orders-1.csv"), "id,amount\n1,N/A\n");
        assertEquals(0, run("convert", "--input", first.toString(), "--output", lake.toString(), "--dataset", "orders"), err());
        assertTrue(out().contains("_schemas/orders.json: id bigint, amount string"), "inferred from the messy file: " + out());
        out.reset();
        Path contracts = Files.createDirectories(directory.resolve("contracts"));
        String declared = contract("orders", "amount", "double");
        Files.writeString(contracts.resolve("orders.json"), declared);
        Path second = Files.writeString(directory.resolve("orders-2.csv"), "id,amount\n2,2.5\n3,N/A\n");

        assertEquals(0, run("convert", "--input", second.toString(), "--output", lake.toString(), "--dataset", "orders", "--contracts", contracts.toString()), err());

        List<String> lines = out().lines().toList();
        assertEquals(2, lines.size(), out());
        assertEquals("contract orders, declared in " + contracts.resolve("orders.json") + ": replaced the contract the lake held at " + lake.resolve("_schemas/orders.json")
                + " (id bigint, amount string), as terraform apply replaces it; the declared one types every file converted from now on: id bigint, amount double"
                + " (files converted before keep the types they were written in until they are converted again: convert one again, changed or not, to write"
                + " it with the declared contract)", lines.get(0));
        assertTrue(lines.get(1).contains("2 rows read, 1 written, 1 quarantined"), out());
        assertEquals(declared, Files.readString(lake.resolve("_schemas/orders.json")));

        // As the line says: the first file, unchanged, converted again is written with the declared contract.
        out.reset();
        assertEquals(1, run("convert", "--input", first.toString(), "--output", lake.toString(), "--dataset", "orders"), err());
        assertTrue(out().contains("1 row read, 0 written, 1 quarantined"), out());
    }

    /**
     * A contract the converter inferred, declared again with the same columns and types but other bytes
     * (another createdFrom): replaced, as terraform apply replaces it, and said to type nothing otherwise;
     * declared again as it now is, left alone. A file of JSON null is refused as no contract.
     */
    @Test
    void aDeclaredContractOfTheSameColumnsReplacesTheLakesAndSaysSoAndNullIsNoContract() throws IOException {
        Path lake = directory.resolve("lake");
        Path first = Files.writeString(directory.resolve("orders-1.csv"), "id,amount\n1,2.5\n");
        assertEquals(0, run("convert", "--input", first.toString(), "--output", lake.toString(), "--dataset", "orders"), err());
        String inferred = Files.readString(lake.resolve("_schemas/orders.json"));
        out.reset();
        Path contracts = Files.createDirectories(directory.resolve("contracts"));
        String declared = contract("orders", "amount", "double");
        assertNotEquals(inferred, declared, "the same columns and types in other bytes");
        Files.writeString(contracts.resolve("orders.json"), declared);
        Path second = Files.writeString(directory.resolve("orders-2.csv"), "id,amount\n2,3.5\n");

        assertEquals(0, run("convert", "--input", second.toString(), "--output", lake.toString(), "--dataset", "orders", "--contracts", contracts.toString()), err());
        assertEquals("contract orders, declared in " + contracts.resolve("orders.json") + ": replaced the contract the lake held at "
                + lake.resolve("_schemas/orders.json") + ", of the same columns and types, as terraform apply replaces it", out().lines().findFirst().orElseThrow());
        assertEquals(declared, Files.readString(lake.resolve("_schemas/orders.json")));

        out.reset();
        assertEquals(0, run("convert", "--input", second.toString(), "--output", lake.toString(), "--dataset", "orders", "--contracts", contracts.toString()), err());
        assertEquals("contract orders, declared in " + contracts.resolve("orders.json") + ": the lake holds it already at " + lake.resolve("_schemas/orders.json"),
                out().lines().findFirst().orElseThrow());

        Files.writeString(contracts.resolve("orders.json"), "null\n");
        err.reset();
        out.reset();
        assertEquals(2, run("convert", "--input", second.toString(), "--output", lake.toString(), "--dataset", "orders", "--contracts", contracts.toString()));
        assertTrue(err().startsWith("error: Schema contract " + contracts.resolve("orders.json") + " is not valid: it holds JSON null, not an object of"
                + " dataset, columns, createdFrom and createdAt."), err());
        assertEquals(declared, Files.readString(lake.resolve("_schemas/orders.json")), "nothing written");
    }

    /** A contract of two columns, id bigint and {@code column} of {@code type}, as the converter writes one. */
    private static String contract(String dataset, String column, String type) {
        return """
                {
                  "dataset" : "%s",
                  "columns" : [ {
                    "name" : "id",
                    "type" : "bigint",
                    "sourceName" : "id"
                  }, {
                    "name" : "%s",
                    "type" : "%s",
                    "sourceName" : "%s"
                  } ],
                  "createdFrom" : "declared",
                  "createdAt" : "2026-12-03T00:00:00Z"
                }
                """.formatted(dataset, column, type, column);
    }

    /**
     * An --input this user cannot read, or an --output it cannot write, failed halfway with the path alone ("error:
     * /x/f.csv", exit code 1), the output folder made and, for an output not writable, its contract written first. A wrong
     * argument, refused before anything is written, as lakehouse-local.jar refuses them (docs/local.md).
     */
    @Test
    void anInputThatCannotBeReadIsAWrongArgumentRefusedBeforeAnythingIsWritten() throws Exception {
        Path input = Files.writeString(directory.resolve("orders.csv"), "id\n1\n");
        Path output = directory.resolve("lake");
        Files.setPosixFilePermissions(input, PosixFilePermissions.fromString("---------"));
        try {
            WithoutCapabilities.Outcome outcome = runWithoutThePowerToReadAnyFile("convert", "--input", input.toString(), "--output", output.toString());

            assertEquals(2, outcome.exit(), outcome.err());
            assertEquals("error: cannot read --input " + input + " (permission denied): make it readable. Nothing was converted.\n", outcome.err());
            assertEquals("", outcome.out());
            assertFalse(Files.exists(output), "nothing may be written");
        }
        finally {
            Files.setPosixFilePermissions(input, PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void anOutputThatCannotBeWrittenIsAWrongArgumentRefusedBeforeAnythingIsWritten() throws Exception {
        Path input = Files.writeString(directory.resolve("orders.csv"), "id\n1\n");
        Path locked = Files.createDirectories(directory.resolve("locked"));
        Path output = Files.createDirectories(directory.resolve("lake"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("r-x------"));
        try {
            WithoutCapabilities.Outcome cannotCreate = runWithoutThePowerToReadAnyFile("convert", "--input", input.toString(), "--output",
                    locked.resolve("silver").toString());
            assertEquals(2, cannotCreate.exit(), cannotCreate.err());
            assertEquals("error: --output " + locked.resolve("silver") + " cannot be created: " + locked + " is not writable (permission denied): give a"
                    + " folder you can write to (it is created if missing), or make " + locked + " writable\n", cannotCreate.err());
            assertEquals("", cannotCreate.out());

            WithoutCapabilities.Outcome cannotWrite = runWithoutThePowerToReadAnyFile("convert", "--input", input.toString(), "--output", output.toString());
            assertEquals(2, cannotWrite.exit(), cannotWrite.err());
            assertEquals("error: --output " + output + " is not writable (permission denied): make it writable, or give --output another folder (it is"
                    + " created if missing)\n", cannotWrite.err());
            assertEquals("", cannotWrite.out());
            assertEquals(List.of(), listed(output), "nothing may be written");
        }
        finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** The lock file of --output's commits is made beside it (docs/local.md): its folder not writable, every commit was refused, exit code 1. */
    @Test
    void anOutputWhoseLockFileCannotBeMadeIsAWrongArgumentRefusedBeforeAnythingIsWritten() throws Exception {
        Path input = Files.writeString(directory.resolve("orders.csv"), "id\n1\n");
        Path parent = Files.createDirectories(directory.resolve("shared"));
        Path output = Files.createDirectories(parent.resolve("silver"));
        Path lockFile = parent.resolve(".silver.medallion-lock");
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("r-x------"));
        try {
            WithoutCapabilities.Outcome outcome = runWithoutThePowerToReadAnyFile("convert", "--input", input.toString(), "--output", output.toString());

            assertEquals(2, outcome.exit(), outcome.err());
            assertEquals("error: --output " + output + "'s commits make their lock file " + lockFile + " in " + parent + ", which is not writable (permission"
                    + " denied): make it writable, or give --output another folder (it is created if missing)\n", outcome.err());
            assertEquals("", outcome.out());
            assertEquals(List.of(), listed(output), "nothing may be written");
        }
        finally {
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /**
     * A --contracts directory this user cannot list failed with the path alone ("error: /x/contracts", exit code 1); a contract
     * file it cannot read was named with the path twice once the JDK's exception said why. Wrong arguments, refused before anything is written.
     */
    @Test
    void contractsThatCannotBeReadAreAWrongArgumentNamedWithWhy() throws Exception {
        Path input = Files.writeString(directory.resolve("orders.csv"), "id\n1\n");
        Path output = directory.resolve("lake");
        Path contracts = Files.createDirectories(directory.resolve("contracts"));
        Path contract = Files.writeString(contracts.resolve("orders.json"), contract("orders", "id", "bigint"));
        Files.setPosixFilePermissions(contract, PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(contracts, PosixFilePermissions.fromString("---------"));
        try {
            WithoutCapabilities.Outcome unlisted = runWithoutThePowerToReadAnyFile("convert", "--input", input.toString(), "--output", output.toString(),
                    "--contracts", contracts.toString());
            assertEquals(2, unlisted.exit(), unlisted.err());
            assertEquals("error: cannot read --contracts " + contracts + " (permission denied): make it readable, or give the directory that holds the"
                    + " schema contracts. Nothing was converted.\n", unlisted.err());
            assertFalse(Files.exists(output), "nothing may be written");

            Files.setPosixFilePermissions(contracts, PosixFilePermissions.fromString("rwx------"));
            WithoutCapabilities.Outcome unreadable = runWithoutThePowerToReadAnyFile("convert", "--input", input.toString(), "--output", output.toString(),
                    "--contracts", contracts.toString());
            assertEquals(2, unreadable.exit(), unreadable.err());
            assertEquals("error: cannot read the schema contract " + contract + " (permission denied): make it readable, or move it out of --contracts "
                    + contracts + ". Nothing was converted.\n", unreadable.err());
            assertFalse(Files.exists(output), "nothing may be written");
        }
        finally {
            Files.setPosixFilePermissions(contracts, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(contract, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static List<Path> listed(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    /** The command in a JVM of its own that holds no capability, so that file modes hold for root too. */
    private static WithoutCapabilities.Outcome runWithoutThePowerToReadAnyFile(String... args) throws IOException, InterruptedException {
        return WithoutCapabilities.run(List.of(), SilverConverterCli.class, List.of(args));
    }

    private int run(String... args) {
        return run(Map.of(), args);
    }

    private int run(Map<String, String> environment, String... args) {
        return SilverConverterCli.run(List.of(args), new Environment(environment), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** The one manifest under {@code output}, as the command's lines name it. */
    private static Path onlyManifest(Path output) throws IOException {
        try (Stream<Path> files = Files.walk(output.resolve("_manifests"))) {
            List<Path> manifests = files.filter(Files::isRegularFile).toList();
            assertEquals(1, manifests.size(), manifests.toString());
            return manifests.get(0);
        }
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
