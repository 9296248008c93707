package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.medallion.infrastructure.TerraformConfiguration.asMap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The converter's log metric filters (monitoring.tf, local.converter_log_patterns) against the lines the
 * converter writes: the shaded jar Terraform deploys converts a clean file, a file with quarantined rows
 * and a file it rejects, each twice (the second time is a redelivered event: outcome "unchanged"),
 * through its local command (and files whose columns differ from their dataset's contract, or whose every
 * row is quarantined), whose --verbose prints the JSON line the Lambda function writes (the same
 * SilverConverter code logs both). Each pattern is evaluated here as CloudWatch Logs evaluates a JSON
 * filter pattern of that form (CloudWatch Logs User Guide, "Using filter patterns to match terms in JSON
 * log events"): terms {@code $.field op value} joined by {@code &&} and {@code ||}, grouped by
 * parentheses, in the order of operations that guide gives, () before && before ||; a string compared
 * whole, a number compared as a number. CloudWatch itself is not involved: a pattern outside that subset
 * fails the test.
 */
class ConverterLogMetricFiltersIT {
    private static final String CLI_CLASS = "dev.medallion.silver.local.SilverConverterCli";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A term of a pattern: a field of the line's top level, an operator, a string without wildcard or a number. */
    private static final Pattern TERM = Pattern.compile("\\$\\.([A-Za-z0-9_]+)\\s*(=|!=|>=|<=|>|<)\\s*(\"(?:[^\"\\\\*]|\\\\.)*\"|-?[0-9]+(?:\\.[0-9]+)?)");

    @TempDir
    Path work;

    @Test
    void theFiltersCountTheRejectedFilesAndTheQuarantinedRowsOfTheLinesTheConverterWrites() throws Exception {
        Path clean = write("clean.csv", "id,name\n1,a\n2,b\n".getBytes(StandardCharsets.UTF_8));
        // One row with a field too many, one with a field too few: two quarantined rows.
        Path quarantined = write("quarantined.csv", "id,name\n1,a\n2,b,c\n4\n3,d\n".getBytes(StandardCharsets.UTF_8));
        // A NUL byte: not text, rejected as a whole.
        Path rejected = write("rejected.csv", new byte[] {0, 1, 'i', 'd', '\n', 0, 0});

        JsonNode cleanLine = convert(clean, "clean");
        JsonNode quarantinedLine = convert(quarantined, "quarantined");
        JsonNode rejectedLine = convert(rejected, "rejected");
        JsonNode cleanAgain = convert(clean, "clean");
        JsonNode quarantinedAgain = convert(quarantined, "quarantined");
        JsonNode rejectedAgain = convert(rejected, "rejected");
        // What the lines are, so that a match below means what it says.
        assertEquals("source object rejected", rejectedLine.path("message").asText(), rejectedLine.toString());
        assertEquals("WARN", rejectedLine.path("level").asText(), rejectedLine.toString());
        assertEquals("rejected", rejectedLine.path("outcome").asText(), rejectedLine.toString());
        assertEquals("source object processed", quarantinedLine.path("message").asText(), quarantinedLine.toString());
        assertEquals(2, quarantinedLine.path("rowsQuarantined").asLong(), quarantinedLine.toString());
        assertEquals(0, cleanLine.path("rowsQuarantined").asLong(), cleanLine.toString());
        for (JsonNode again : List.of(cleanAgain, quarantinedAgain, rejectedAgain)) {
            assertEquals("unchanged", again.path("outcome").asText(), again.toString());
        }
        assertEquals("source object rejected", rejectedAgain.path("message").asText(), "a redelivered rejected file logs its rejection again: " + rejectedAgain);
        assertEquals(2, quarantinedAgain.path("rowsQuarantined").asLong(), "a redelivered file logs its quarantined rows again: " + quarantinedAgain);

        Map<String, Object> patterns = asMap(Repository.rootModule().local("converter_log_patterns"));
        List<JsonNode> all = List.of(cleanLine, quarantinedLine, rejectedLine, cleanAgain, quarantinedAgain, rejectedAgain);

        String rejectedFiles = String.valueOf(patterns.get("rejected_files"));
        assertEquals(List.of(rejectedLine), all.stream().filter(line -> matches(rejectedFiles, line)).toList(),
                "the rejected-files filter must match the rejection, once: " + rejectedFiles);

        String quarantinedRows = String.valueOf(patterns.get("quarantined_rows"));
        assertEquals(List.of(quarantinedLine), all.stream().filter(line -> matches(quarantinedRows, line)).toList(),
                "the quarantined-rows filter must match the file with quarantined rows, once: " + quarantinedRows);
        String withdrawnFiles = String.valueOf(patterns.get("withdrawn_files"));
        assertEquals(List.of(), all.stream().filter(line -> matches(withdrawnFiles, line)).toList(),
                "the withdrawn-files filter must count no conversion, rejection or redelivery: " + withdrawnFiles);
        String filesNotConverted = String.valueOf(patterns.get("files_not_converted"));
        assertEquals(List.of(), all.stream().filter(line -> matches(filesNotConverted, line)).toList(),
                "the files-not-converted filter must count no conversion, rejection or redelivery: " + filesNotConverted);
        // The metric's value, $.rowsQuarantined, read from the line the filter matched.
        String value = String.valueOf(TerraformConfiguration.blocks(Repository.rootModule(Map.of("quarantined_rows_alarm_threshold", 0))
                .resource("aws_cloudwatch_log_metric_filter", "silver_converter_quarantined_rows"), "metric_transformation").get(0).get("value"));
        assertEquals("$.rowsQuarantined", value);
        assertEquals(2, quarantinedLine.path(value.substring(2)).asLong());
    }

    @Test
    void theFilterOfFilesWhoseEveryRowIsQuarantinedCountsThemOnce() throws Exception {
        // The dataset's first file types id bigint; the next holds no number: every row quarantined, none written.
        Path typed = write("typed.csv", "id\n1\n2\n".getBytes(StandardCharsets.UTF_8));
        Path noNumber = write("no-number.csv", "id\nN/A\nunknown\n".getBytes(StandardCharsets.UTF_8));
        // Some rows quarantined, others written: the quarantined-rows alarm's, not this one's.
        Path some = write("some.csv", "id\n3\nx\n".getBytes(StandardCharsets.UTF_8));

        JsonNode typedLine = convert(typed, "orders");
        JsonNode noNumberLine = convert(noNumber, "orders");
        JsonNode someLine = convert(some, "orders");
        JsonNode noNumberAgain = convert(noNumber, "orders");
        assertEquals("converted", noNumberLine.path("outcome").asText(), noNumberLine.toString());
        assertEquals(0, noNumberLine.path("rowsWritten").asLong(), noNumberLine.toString());
        assertEquals(2, noNumberLine.path("rowsQuarantined").asLong(), noNumberLine.toString());
        assertEquals(1, someLine.path("rowsWritten").asLong(), someLine.toString());
        assertEquals("unchanged", noNumberAgain.path("outcome").asText(), noNumberAgain.toString());

        String pattern = String.valueOf(asMap(Repository.rootModule().local("converter_log_patterns")).get("files_all_rows_quarantined"));
        assertEquals(List.of(noNumberLine), List.of(typedLine, noNumberLine, someLine, noNumberAgain).stream().filter(line -> matches(pattern, line)).toList(),
                "the filter must match the file whose every row was quarantined, once: " + pattern);
    }

    @Test
    void theFilterOfFilesNotMatchingTheirContractCountsThemOnceInEitherDirection() throws Exception {
        // The dataset's first file defines its contract (id, amount).
        Path defining = write("defining.csv", "id,amount\n1,2\n".getBytes(StandardCharsets.UTF_8));
        // The source added a column: converted, its values not written.
        Path added = write("added.csv", "id,amount,channel\n2,3,web\n".getBytes(StandardCharsets.UTF_8));
        // The source stopped sending a column the contract has: converted, the column written as null.
        Path missing = write("missing.csv", "id\n4\n".getBytes(StandardCharsets.UTF_8));
        // The source renamed a column: one not written, one written as null, a single file to alarm on.
        Path renamed = write("renamed.csv", "id,total\n6,7\n".getBytes(StandardCharsets.UTF_8));
        // Most of its columns not the contract's: rejected, the rejected-files alarm's.
        Path rejected = write("rejected-other.csv", "id,city,country\n5,Lyon,FR\n".getBytes(StandardCharsets.UTF_8));
        // A header and no rows: no value lost yet, but the source's next files will drop the column too.
        Path headerOnly = write("header-only.csv", "id,amount,coupon\n".getBytes(StandardCharsets.UTF_8));

        JsonNode definingLine = convert(defining, "orders");
        JsonNode addedLine = convert(added, "orders");
        JsonNode missingLine = convert(missing, "orders");
        JsonNode renamedLine = convert(renamed, "orders");
        JsonNode rejectedLine = convert(rejected, "orders");
        JsonNode headerOnlyLine = convert(headerOnly, "orders");
        JsonNode addedAgain = convert(added, "orders");
        JsonNode missingAgain = convert(missing, "orders");
        assertEquals("converted", addedLine.path("outcome").asText(), addedLine.toString());
        assertEquals("channel", addedLine.path("droppedColumns").path(0).path("header").asText(), addedLine.toString());
        assertEquals("converted", missingLine.path("outcome").asText(), missingLine.toString());
        assertEquals("amount", missingLine.path("missingColumns").path(0).asText(), missingLine.toString());
        assertEquals(1, missingLine.path("columnsMissing").asLong(), missingLine.toString());
        assertEquals(0, missingLine.path("columnsNotWritten").asLong(), missingLine.toString());
        assertEquals("converted", renamedLine.path("outcome").asText(), renamedLine.toString());
        assertEquals(1, renamedLine.path("columnsNotWritten").asLong(), renamedLine.toString());
        assertEquals(1, renamedLine.path("columnsMissing").asLong(), renamedLine.toString());
        assertEquals(0, definingLine.path("columnsMissing").asLong(), definingLine.toString());
        assertEquals("source object rejected", rejectedLine.path("message").asText(), rejectedLine.toString());
        assertEquals("unchanged", addedAgain.path("outcome").asText(), addedAgain.toString());
        assertEquals(1, addedAgain.path("columnsNotWritten").asLong(), "a redelivery logs the count again: " + addedAgain);
        assertEquals("unchanged", missingAgain.path("outcome").asText(), missingAgain.toString());
        assertEquals(1, missingAgain.path("columnsMissing").asLong(), "a redelivery logs the count again: " + missingAgain);

        String pattern = String.valueOf(asMap(Repository.rootModule().local("converter_log_patterns")).get("files_not_matching_contract"));
        assertEquals(List.of(addedLine, missingLine, renamedLine, headerOnlyLine),
                List.of(definingLine, addedLine, missingLine, renamedLine, rejectedLine, headerOnlyLine, addedAgain, missingAgain).stream()
                        .filter(line -> matches(pattern, line)).toList(),
                "the filter must match each file whose columns differ from the contract, either way, once: " + pattern);
    }

    /**
     * The freshness filter of a dataset (monitoring.tf: local.dataset_commits_pattern_format, formatted with the dataset, one filter
     * per dataset of dataset_freshness) counts each file of that dataset the converter committed, a header-only file too (its
     * source delivered) and one whose every row was quarantined (it arrived), and nothing else: not a redelivered event's "unchanged" line (the file came once), not a file rejected
     * as a whole (nothing reached silver: the rejected-files alarm's), not another dataset's commit, whose name only begins the
     * same, and not the withdrawal of a file deleted from bronze.
     */
    @Test
    void theFreshnessFilterCountsItsDatasetsCommitsAndNoRedeliveryRejectionWithdrawalOrOtherDataset() throws Exception {
        Path delivered = write("delivered.csv", "id,amount\n1,2\n".getBytes(StandardCharsets.UTF_8));
        Path headerOnly = write("header-only.csv", "id,amount\n".getBytes(StandardCharsets.UTF_8));
        // No value fits the contract's bigint: every row quarantined, yet the file arrived (its own alarm says what is wrong).
        Path noNumber = write("no-number.csv", "id,amount\nN/A,x\n".getBytes(StandardCharsets.UTF_8));
        Path rejected = write("rejected-orders.csv", new byte[] {0, 1, 'i', 'd', '\n', 0, 0});
        Path otherDataset = write("eu.csv", "id,amount\n3,4\n".getBytes(StandardCharsets.UTF_8));

        JsonNode committed = convert(delivered, "orders");
        JsonNode empty = convert(headerOnly, "orders");
        JsonNode allQuarantined = convert(noNumber, "orders");
        JsonNode redelivered = convert(delivered, "orders");
        JsonNode rejectedLine = convert(rejected, "orders");
        JsonNode other = convert(otherDataset, "orders_eu");
        JsonNode withdrawn = withdraw(delivered, "orders");
        // What the lines are, so that a match below means what it says.
        assertEquals("converted", committed.path("outcome").asText(), committed.toString());
        assertEquals("orders", committed.path("dataset").asText(), committed.toString());
        assertEquals("empty", empty.path("outcome").asText(), empty.toString());
        assertEquals("converted", allQuarantined.path("outcome").asText(), allQuarantined.toString());
        assertEquals(0, allQuarantined.path("rowsWritten").asLong(), allQuarantined.toString());
        assertEquals("unchanged", redelivered.path("outcome").asText(), redelivered.toString());
        assertEquals("source object processed", redelivered.path("message").asText(), redelivered.toString());
        assertEquals("source object rejected", rejectedLine.path("message").asText(), rejectedLine.toString());
        assertEquals("orders", rejectedLine.path("dataset").asText(), rejectedLine.toString());
        assertEquals("converted", other.path("outcome").asText(), other.toString());
        assertEquals("orders_eu", other.path("dataset").asText(), other.toString());
        assertEquals("source object withdrawn", withdrawn.path("message").asText(), withdrawn.toString());
        assertEquals("orders", withdrawn.path("dataset").asText(), withdrawn.toString());

        String format = String.valueOf(Repository.rootModule().local("dataset_commits_pattern_format"));
        String orders = String.format(format, "orders");
        assertEquals(List.of(committed, empty, allQuarantined), List.of(committed, empty, allQuarantined, redelivered, rejectedLine, other, withdrawn).stream()
                .filter(line -> matches(orders, line)).toList(), "the orders freshness filter must count each commit of orders, once: " + orders);
        String ordersEu = String.format(format, "orders_eu");
        assertEquals(List.of(other), List.of(committed, empty, allQuarantined, redelivered, rejectedLine, other, withdrawn).stream()
                .filter(line -> matches(ordersEu, line)).toList(), "the orders_eu freshness filter must count orders_eu's commit alone: " + ordersEu);
    }

    /**
     * A bronze file deleted has its rows withdrawn (docs/silver-converter.md, "Deleting a bronze file"): the jar's
     * withdrawal line, and the line of a removal that withdraws nothing, are no rejection, no quarantined row, no
     * file whose every row was quarantined and no file off its contract, though the file withdrawn was all four.
     * The withdrawn-files filter counts the withdrawal line, once, and no other line: not the conversion's, nor
     * the redelivered removal's that withdraws nothing.
     */
    @Test
    void onlyTheWithdrawnFilesFilterCountsAWithdrawalAndNoneARemovalThatWithdrawsNothing() throws Exception {
        convert(write("typed.csv", "id,amount\n1,2.5\n".getBytes(StandardCharsets.UTF_8)), "orders");
        // Every row quarantined (a value not bigint, a field too many), a column more and one less than the contract.
        Path file = write("withdrawn.csv", "id,extra\nx,1\n2,3,4\n".getBytes(StandardCharsets.UTF_8));
        JsonNode converted = convert(file, "orders");
        assertEquals(2, converted.path("rowsQuarantined").asLong(), converted.toString());

        JsonNode withdrawn = withdraw(file, "orders");
        JsonNode nothingWithdrawn = withdraw(file, "orders");

        // What the lines are, so that no match below means what it says.
        assertEquals("source object withdrawn", withdrawn.path("message").asText(), withdrawn.toString());
        assertEquals("withdrawn", withdrawn.path("outcome").asText(), withdrawn.toString());
        assertEquals(0, withdrawn.path("rowsWithdrawn").asLong(), withdrawn.toString());
        assertEquals(2, withdrawn.path("quarantinedRowsWithdrawn").asLong(), withdrawn.toString());
        assertEquals("source object removal: nothing withdrawn", nothingWithdrawn.path("message").asText(), nothingWithdrawn.toString());
        assertEquals("unchanged", nothingWithdrawn.path("outcome").asText(), nothingWithdrawn.toString());
        Map<String, Object> patterns = asMap(Repository.rootModule().local("converter_log_patterns"));
        assertEquals(List.of("files_all_rows_quarantined", "files_not_converted", "files_not_matching_contract", "quarantined_rows", "rejected_files", "withdrawn_files"),
                patterns.keySet().stream().sorted().toList(), "every filter is checked here; a new one must be too");
        assertTrue(matches(String.valueOf(patterns.get("files_all_rows_quarantined")), converted), "the conversion itself is counted: " + converted);
        String withdrawnFiles = String.valueOf(patterns.get("withdrawn_files"));
        assertEquals(List.of(withdrawn), List.of(converted, withdrawn, nothingWithdrawn).stream().filter(line -> matches(withdrawnFiles, line)).toList(),
                "the withdrawn-files filter must match the withdrawal, once: " + withdrawnFiles);
        patterns.forEach((name, pattern) -> {
            if (!name.equals("withdrawn_files")) {
                assertFalse(matches(String.valueOf(pattern), withdrawn), name + " must not count a withdrawal: " + pattern);
            }
            assertFalse(matches(String.valueOf(pattern), nothingWithdrawn), name + " must not count a removal that withdraws nothing: " + pattern);
        });
    }

    /**
     * The line the deployed handler writes for a file put in bronze under a name it does not convert, its message read
     * from the shaded jar (SilverConverterHandler.NOT_CONVERTED_MESSAGE; SilverConverterHandlerIT checks the handler writes
     * it, once per such file, and never for _SUCCESS, .crc, a folder marker or a removal): the files-not-converted filter
     * counts it, and no other filter does.
     */
    @Test
    void theFilesNotConvertedFilterCountsTheHandlersLineAndNoOtherFilterDoes() throws Exception {
        Path jar = Repository.root().resolve("silver-converter/target/silver-converter.jar");
        String message;
        try (LambdaHandlers handlers = LambdaHandlers.open(jar)) {
            message = String.valueOf(handlers.staticField("dev.medallion.silver.lambda.SilverConverterHandler", "NOT_CONVERTED_MESSAGE"));
        }
        JsonNode notConverted = JSON.readTree(JSON.writeValueAsString(Map.of("level", "WARN", "message", message, "dataset", "sales",
                "source", "s3://bronze/sales/report.xlsx", "whatToDo", "export each sheet as CSV")));
        Map<String, Object> patterns = asMap(Repository.rootModule().local("converter_log_patterns"));
        patterns.forEach((name, pattern) -> assertEquals(name.equals("files_not_converted"), matches(String.valueOf(pattern), notConverted),
                name + (name.equals("files_not_converted") ? " must count the file not converted: " : " must not count a file not converted: ") + pattern));
    }

    /**
     * The line the deployed handler writes for a record whose key was uploaded again or deleted between its HEAD and its GET
     * (docs/silver-converter.md, "An object replaced or deleted before it is read"), its message and outcome read from the
     * shaded jar (SilverConverterHandler.SUPERSEDED_MESSAGE and SUPERSEDED; S3EdgesIT checks the handler writes it, at INFO,
     * with these fields): nothing was committed, the key's next event converts or withdraws it, so no filter counts it, as a
     * conversion, a rejection, a file not converted or a withdrawal, whichever reason it gives.
     */
    @Test
    void noFilterCountsARecordSupersededBeforeItWasRead() throws Exception {
        Path jar = Repository.root().resolve("silver-converter/target/silver-converter.jar");
        String message;
        String outcome;
        try (LambdaHandlers handlers = LambdaHandlers.open(jar)) {
            message = String.valueOf(handlers.constant("dev.medallion.silver.lambda.SilverConverterHandler", "SUPERSEDED_MESSAGE"));
            outcome = String.valueOf(handlers.constant("dev.medallion.silver.lambda.SilverConverterHandler", "SUPERSEDED"));
        }
        assertEquals("superseded", outcome);
        List<JsonNode> lines = new ArrayList<>();
        // The reasons S3ObjectStore gives: an upload in between (412), a deletion in between (404 NoSuchKey).
        for (String reason : List.of("Object s3://bronze/orders/2024-01-01.csv no longer has ETag 0123: it was replaced or deleted since its ETag was read",
                "s3://bronze/orders/2024-01-01.csv: it no longer exists (NoSuchKey): it was deleted since its ETag 0123 was read")) {
            Map<String, Object> fields = new java.util.LinkedHashMap<>();
            fields.put("level", "INFO");
            fields.put("message", message);
            fields.put("dataset", "orders");
            fields.put("source", "s3://bronze/orders/2024-01-01.csv");
            fields.put("outcome", outcome);
            fields.put("etag", "\"0123\"");
            fields.put("reason", reason);
            lines.add(JSON.readTree(JSON.writeValueAsString(fields)));
        }
        Map<String, Object> patterns = asMap(Repository.rootModule().local("converter_log_patterns"));
        patterns.forEach((name, pattern) -> lines.forEach(line -> assertFalse(matches(String.valueOf(pattern), line),
                name + " must not count a record superseded before it was read (nothing converted, rejected or withdrawn): " + pattern + " against " + line)));
    }

    /**
     * A file deleted from bronze while it was converted: its removal, handled before the conversion's commit, found nothing to
     * withdraw, so the conversion, finding the key gone after its commit, withdraws what it committed (docs/silver-converter.md,
     * "A deletion racing the file's conversion"). Its rows left silver in the same invocation: it logs one line, the withdrawal's,
     * which the withdrawn-files filter counts once (a bronze file deleted, its rows withdrawn), and no other filter counts, though
     * the file had every row quarantined and a column more and one less than the contract.
     */
    @Test
    void aConversionThatWithdrawsWhatItCommittedIsCountedOnceAsAWithdrawnFileAndByNoOtherFilter() throws Exception {
        convert(write("typed.csv", "id,amount\n1,2.5\n".getBytes(StandardCharsets.UTF_8)), "orders");
        Path file = write("deleted.csv", "id,extra\nx,1\n2,3,4\n".getBytes(StandardCharsets.UTF_8));

        List<JsonNode> lines = convertWhileDeleted(file, "orders");

        assertEquals(1, lines.size(), "one line for the conversion, its withdrawal's: " + lines);
        JsonNode withdrawn = lines.get(0);
        // What the line is, so that the matches below mean what they say.
        assertEquals("source object withdrawn", withdrawn.path("message").asText(), withdrawn.toString());
        assertEquals("withdrawn", withdrawn.path("outcome").asText(), withdrawn.toString());
        assertEquals(0, withdrawn.path("rowsWithdrawn").asLong(), withdrawn.toString());
        assertEquals(2, withdrawn.path("quarantinedRowsWithdrawn").asLong(), "the rows the conversion quarantined, gone with it: " + withdrawn);
        assertTrue(withdrawn.path("reason").asText().contains("deleted from bronze while it was converted"), withdrawn.toString());
        Map<String, Object> patterns = asMap(Repository.rootModule().local("converter_log_patterns"));
        patterns.forEach((name, pattern) -> assertEquals(name.equals("withdrawn_files"), matches(String.valueOf(pattern), withdrawn),
                name + (name.equals("withdrawn_files") ? " must count the file withdrawn: " : " must not count rows or a file no longer in silver: ")
                        + pattern + " against " + withdrawn));
    }

    /**
     * A conversion that failed after its commit (its sweep), its file deleted and its removal handled before that commit, is
     * retried by Lambda as its ObjectCreated event, which finds the key gone and withdraws what was committed
     * (docs/silver-converter.md, "A conversion that fails after its commit"). That withdrawal's line is counted once by the
     * withdrawn-files filter and by no other; the line of such an event that withdraws nothing (here the event delivered once
     * more, the key already withdrawn) by none.
     */
    @Test
    void anEventThatFindsItsKeyGoneIsCountedOnceWhenItWithdrawsAndNeverWhenItWithdrawsNothing() throws Exception {
        convert(write("typed.csv", "id,amount\n1,2.5\n".getBytes(StandardCharsets.UTF_8)), "orders");
        Path file = write("gone.csv", "id,extra\nx,1\n2,3,4\n".getBytes(StandardCharsets.UTF_8));
        convert(file, "orders");

        JsonNode withdrawn = withdrawForMissingKey(file, "orders");
        JsonNode missing = withdrawForMissingKey(file, "orders");

        // What the lines are, so that no match below means what it says.
        assertEquals("source object withdrawn", withdrawn.path("message").asText(), withdrawn.toString());
        assertEquals("withdrawn", withdrawn.path("outcome").asText(), withdrawn.toString());
        assertEquals(2, withdrawn.path("quarantinedRowsWithdrawn").asLong(), withdrawn.toString());
        assertTrue(withdrawn.path("reason").asText().contains("ObjectCreated event found the key gone"), withdrawn.toString());
        assertEquals("source object skipped: it no longer exists", missing.path("message").asText(), missing.toString());
        assertEquals("missing", missing.path("outcome").asText(), missing.toString());
        assertTrue(missing.path("reason").asText().contains("already withdrawn"), missing.toString());
        Map<String, Object> patterns = asMap(Repository.rootModule().local("converter_log_patterns"));
        patterns.forEach((name, pattern) -> {
            assertEquals(name.equals("withdrawn_files"), matches(String.valueOf(pattern), withdrawn),
                    name + (name.equals("withdrawn_files") ? " must count the file withdrawn: " : " must not count a withdrawal: ") + pattern);
            assertFalse(matches(String.valueOf(pattern), missing), name + " must not count an event that withdraws nothing: " + pattern);
        });
    }

    @Test
    void theEvaluatorComparesStringsWholeAndNumbersAsNumbers() throws IOException {
        JsonNode line = JSON.readTree("{\"message\":\"source object rejected\",\"outcome\":\"rejected\",\"rowsQuarantined\":0}");
        assertTrue(matches("{ ($.message = \"source object rejected\") && ($.outcome != \"unchanged\") }", line));
        assertFalse(matches("{ ($.message = \"source object\") }", line), "a string is compared whole");
        assertFalse(matches("{ ($.rowsQuarantined > 0) }", line));
        assertTrue(matches("{ ($.rowsQuarantined >= 0) }", line));
        assertFalse(matches("{ ($.missing != \"x\") }", line), "a field the line lacks matches nothing");
    }

    /**
     * The order of operations of the CloudWatch Logs User Guide ("Using filter patterns to match terms in JSON
     * log events": () before && before ||), on its own examples of compound expressions, their fields moved to
     * the line's top level: the same patterns match and fail to match as the guide says.
     */
    @Test
    void theEvaluatorGroupsAsCloudWatchDoes() throws IOException {
        JsonNode line = JSON.readTree("{\"id\":1,\"email\":\"John.Stiles@example.com\",\"action\":\"DELETE\"}");
        assertTrue(matches("{ ($.id = 1) && ($.email = \"John.Stiles@example.com\") }", line));
        assertTrue(matches("{ $.email = \"John.Stiles@example.com\" || $.id = 5 && $.action = \"nonmatch\" }", line), "&& before ||");
        assertFalse(matches("{ ($.email = \"John.Stiles@example.com\" || $.id = 5) && $.action = \"nonmatch\" }", line), "() before &&");
        assertFalse(matches("{ ($.id = 2 && $.email = \"nonmatch\") || $.action = \"GET\" }", line));
        assertTrue(matches("{ ($.id = 2) || (($.id = 1) && ($.action = \"DELETE\")) }", line), "nested groups");
    }

    /** The JSON line the converter logs for {@code file}, converted into the test's silver directory. */
    private JsonNode convert(Path file, String dataset) throws Exception {
        Path jar = Repository.root().resolve("silver-converter/target/silver-converter.jar");
        assertTrue(Files.isRegularFile(jar), "No jar at " + jar + ": Terraform deploys it, so build it first (mvn package or mvn verify)");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Method run = loader.loadClass(CLI_CLASS).getMethod("run", List.class, PrintStream.class, PrintStream.class);
            exit = (int) run.invoke(null, List.of("convert", "--input", file.toString(), "--output", work.resolve("silver").toString(),
                    "--dataset", dataset, "--verbose"), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String text : err.toString(StandardCharsets.UTF_8).lines().filter(text -> text.startsWith("{")).toList()) {
            JsonNode line = JSON.readTree(text);
            if (line.path("message").asText().startsWith("source object ")) {
                lines.add(line);
            }
        }
        assertEquals(1, lines.size(), "one line per object: " + err.toString(StandardCharsets.UTF_8));
        JsonNode line = lines.get(0);
        // The command's exit code: 1 for a file rejected (now or before) and for one with every row quarantined, as the alarm counts it; 0 otherwise.
        boolean everyRowQuarantined = line.path("rowsWritten").asLong(-1) == 0 && line.path("rowsQuarantined").asLong() > 0;
        assertEquals(file.getFileName().toString().startsWith("rejected") || everyRowQuarantined ? 1 : 0, exit, err.toString(StandardCharsets.UTF_8));
        return line;
    }

    /**
     * The JSON line the jar's converter logs when it withdraws {@code file}, converted into the test's silver
     * directory, its bronze object gone: the withdrawal the Lambda handler makes of a removal
     * event, called on the jar's own classes (its local command has no such step).
     */
    private JsonNode withdraw(Path file, String dataset) throws Exception {
        Path jar = Repository.root().resolve("silver-converter/target/silver-converter.jar");
        assertTrue(Files.isRegularFile(jar), "No jar at " + jar + ": Terraform deploys it, so build it first (mvn package or mvn verify)");
        Path silver = work.resolve("silver");
        JsonNode source = sourceInManifest(file, dataset);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Object converter = jarConverter(loader, silver, err);
            Class<?> presence = loader.loadClass("dev.medallion.silver.SilverConverter$Presence");
            converter.getClass().getMethod("withdraw", String.class, String.class, String.class, presence)
                    .invoke(converter, source.path("bucket").asText(), source.path("key").asText(), dataset, gone(loader));
        }
        List<JsonNode> lines = objectLines(err);
        assertEquals(1, lines.size(), "one line per removal: " + err.toString(StandardCharsets.UTF_8));
        return lines.get(0);
    }

    /**
     * The JSON line the jar's converter logs when an ObjectCreated event of {@code file}, converted into the test's silver
     * directory, finds its key gone: what the Lambda handler does with withdrawals on, called on the jar's own classes.
     */
    private JsonNode withdrawForMissingKey(Path file, String dataset) throws Exception {
        Path jar = Repository.root().resolve("silver-converter/target/silver-converter.jar");
        assertTrue(Files.isRegularFile(jar), "No jar at " + jar + ": Terraform deploys it, so build it first (mvn package or mvn verify)");
        JsonNode source = sourceInManifest(file, dataset);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Object converter = jarConverter(loader, work.resolve("silver"), err);
            Class<?> presence = loader.loadClass("dev.medallion.silver.SilverConverter$Presence");
            converter.getClass().getMethod("withdrawForMissingKey", String.class, String.class, String.class, presence)
                    .invoke(converter, source.path("bucket").asText(), source.path("key").asText(), dataset, gone(loader));
        }
        List<JsonNode> lines = objectLines(err);
        assertEquals(1, lines.size(), "one line per event: " + err.toString(StandardCharsets.UTF_8));
        return lines.get(0);
    }

    /**
     * The JSON lines the jar's converter logs of {@code file} (as s3://bronze/{@code dataset}/{@code file}) when it converts it with a
     * look after its commit that finds the key gone: what the Lambda handler's conversion does, with withdrawals on, when the file
     * was deleted while it was converted (its HEAD a 404), called on the jar's own classes (its local command has no such step).
     */
    private List<JsonNode> convertWhileDeleted(Path file, String dataset) throws Exception {
        Path jar = Repository.root().resolve("silver-converter/target/silver-converter.jar");
        assertTrue(Files.isRegularFile(jar), "No jar at " + jar + ": Terraform deploys it, so build it first (mvn package or mvn verify)");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Object converter = jarConverter(loader, work.resolve("silver"), err);
            Class<?> sourceClass = loader.loadClass("dev.medallion.silver.SourceObject");
            Class<?> content = loader.loadClass("dev.medallion.silver.SilverConverter$Content");
            Class<?> deadline = loader.loadClass("dev.medallion.silver.Deadline");
            Class<?> presence = loader.loadClass("dev.medallion.silver.SilverConverter$Presence");
            Object source = sourceClass.getConstructor(String.class, String.class, String.class, long.class, java.time.Instant.class)
                    .newInstance("bronze", dataset + "/" + file.getFileName(), "etag-of-" + file.getFileName(), Files.size(file), java.time.Instant.now());
            // Read as one stream: its ranges() (a default method) says it cannot be read by range.
            Object bytes = java.lang.reflect.Proxy.newProxyInstance(loader, new Class<?>[] {content},
                    (proxy, method, arguments) -> method.getName().equals("open") ? Files.newInputStream(file) : java.util.Optional.empty());
            converter.getClass().getMethod("convert", sourceClass, String.class, content, deadline, presence)
                    .invoke(converter, source, dataset, bytes, deadline.getMethod("none").invoke(null), gone(loader));
        }
        return objectLines(err);
    }

    /** The source (bucket, key) the manifest of {@code file}, converted into the test's silver directory, records. */
    private JsonNode sourceInManifest(Path file, String dataset) throws IOException {
        Path silver = work.resolve("silver");
        JsonNode source = null;
        try (var manifests = Files.list(silver.resolve("_manifests").resolve(dataset))) {
            for (Path manifest : manifests.toList()) {
                JsonNode named = JSON.readTree(manifest.toFile()).path("source");
                if (named.path("key").asText().endsWith(file.getFileName().toString())) {
                    source = named;
                }
            }
        }
        assertTrue(source != null, "no manifest of " + file + " in " + silver);
        return source;
    }

    /** The jar's converter without a catalog, on the local directory {@code silver}, logging to {@code err}. */
    private static Object jarConverter(ClassLoader loader, Path silver, ByteArrayOutputStream err) throws Exception {
        Class<?> store = loader.loadClass("dev.medallion.common.storage.ObjectStore");
        Class<?> layout = loader.loadClass("dev.medallion.common.layout.SilverLayout");
        Class<?> limits = loader.loadClass("dev.medallion.common.config.ConversionLimits");
        Class<?> overrides = loader.loadClass("dev.medallion.common.config.CsvOverrides");
        Class<?> log = loader.loadClass("dev.medallion.common.logging.JsonLog");
        return loader.loadClass("dev.medallion.silver.SilverConverter").getConstructor(store, layout, limits, overrides, log, java.time.Clock.class)
                .newInstance(
                        loader.loadClass("dev.medallion.common.storage.LocalObjectStore").getConstructor(Path.class).newInstance(silver),
                        layout.getConstructor(String.class).newInstance(""),
                        limits.getMethod("defaults").invoke(null),
                        overrides.getMethod("none").invoke(null),
                        log.getConstructor(PrintStream.class, java.time.Clock.class).newInstance(new PrintStream(err, true, StandardCharsets.UTF_8),
                                java.time.Clock.systemUTC()),
                        java.time.Clock.systemUTC());
    }

    /** The HEAD of a deleted bronze object, a 404, as the jar's {@code SilverConverter.Presence}. */
    private static Object gone(ClassLoader loader) throws ClassNotFoundException {
        return java.lang.reflect.Proxy.newProxyInstance(loader, new Class<?>[] {loader.loadClass("dev.medallion.silver.SilverConverter$Presence")},
                (proxy, method, arguments) -> false);
    }

    /** The lines of {@code err} that tell what became of a source object ({@code "source object ..."}). */
    private static List<JsonNode> objectLines(ByteArrayOutputStream err) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String text : err.toString(StandardCharsets.UTF_8).lines().filter(text -> text.startsWith("{")).toList()) {
            JsonNode line = JSON.readTree(text);
            if (line.path("message").asText().startsWith("source object ")) {
                lines.add(line);
            }
        }
        return lines;
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(work.resolve(name), content);
    }

    /**
     * Whether a JSON filter pattern {@code { expression }} matches the line: terms {@code $.field op value} (a
     * field of the line's top level) joined by {@code &&} and {@code ||} and grouped by parentheses.
     */
    static boolean matches(String pattern, JsonNode line) {
        String body = pattern.strip();
        assertTrue(body.startsWith("{") && body.endsWith("}"), "not a JSON filter pattern: " + pattern);
        FilterExpression expression = new FilterExpression(body.substring(1, body.length() - 1), pattern, line);
        boolean matched = expression.or();
        assertTrue(expression.atEnd(), "left over at " + expression.position + " of " + pattern);
        return matched;
    }

    /**
     * A recursive descent over a pattern's expression: {@code or := and ('||' and)*}, {@code and := group ('&&'
     * group)*}, {@code group := '(' or ')' | term}, which is the order of operations CloudWatch gives.
     */
    private static final class FilterExpression {
        private final String text;
        private final String pattern;
        private final JsonNode line;
        private int position;

        FilterExpression(String text, String pattern, JsonNode line) {
            this.text = text;
            this.pattern = pattern;
            this.line = line;
        }

        boolean or() {
            boolean any = and();
            while (take("||")) {
                // Both sides are read whatever the first gave, so that a term this test cannot evaluate fails it.
                any |= and();
            }
            return any;
        }

        private boolean and() {
            boolean all = group();
            while (take("&&")) {
                all &= group();
            }
            return all;
        }

        private boolean group() {
            if (take("(")) {
                boolean inner = or();
                assertTrue(take(")"), "no ) at " + position + " of " + pattern);
                return inner;
            }
            skipSpaces();
            Matcher term = TERM.matcher(text).region(position, text.length());
            assertTrue(term.lookingAt(), "a term this test cannot evaluate (no wildcard, no nested selector) at " + position + " of " + pattern);
            position = term.end();
            return holds(line.get(term.group(1)), term.group(2), term.group(3));
        }

        private boolean take(String token) {
            skipSpaces();
            if (text.startsWith(token, position)) {
                position += token.length();
                return true;
            }
            return false;
        }

        private void skipSpaces() {
            while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                position++;
            }
        }

        boolean atEnd() {
            skipSpaces();
            return position == text.length();
        }
    }

    private static boolean holds(JsonNode field, String operator, String literal) {
        if (field == null || field.isNull() || field.isContainerNode()) {
            return false;
        }
        if (literal.startsWith("\"")) {
            boolean equal = field.isTextual() && field.asText().equals(literal.substring(1, literal.length() - 1).replace("\\\"", "\""));
            return switch (operator) {
                case "=" -> equal;
                case "!=" -> !equal;
                default -> throw new AssertionError("a string compared with " + operator);
            };
        }
        OptionalDouble number = field.isNumber() ? OptionalDouble.of(field.asDouble()) : OptionalDouble.empty();
        if (number.isEmpty()) {
            return false;
        }
        double left = number.getAsDouble();
        double right = Double.parseDouble(literal);
        return switch (operator) {
            case "=" -> left == right;
            case "!=" -> left != right;
            case ">" -> left > right;
            case ">=" -> left >= right;
            case "<" -> left < right;
            case "<=" -> left <= right;
            default -> throw new AssertionError(operator);
        };
    }
}
