package dev.medallion.local.silver;

import dev.medallion.common.config.CsvOverrides;
import dev.medallion.silver.ConversionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalSilverTest {
    @TempDir
    Path directory;

    /** The line names the contract the types come from only where one is stored. */
    @Test
    void aQuarantineLineNamesTheContractOnlyWhereOneIsStored() throws IOException {
        LocalSilver silver = new LocalSilver(directory.resolve("silver"), CsvOverrides.none(), Clock.systemUTC());
        Path broken = Files.writeString(Files.createDirectories(directory.resolve("bronze/people")).resolve("broken.csv"), "id,amount,note\n1,2.5\n");
        BronzeFile brokenFile = new BronzeFile(broken, "people/broken.csv", "people");
        ConversionResult none = silver.convert(brokenFile);
        String line = silver.describe(brokenFile, none);
        assertTrue(line.contains("1 row read, 0 written, 1 quarantined"), line);
        // No contract's path, and the reason there is none (the manifest's), as the silver command's line gives it.
        assertFalse(line.contains("_schemas/") || line.contains("the types are"), line);
        assertTrue(line.endsWith(".csv); no schema contract: none of the file's first rows (up to 100000), from which a new dataset's contract is inferred,"
                + " has the header's 3 fields, so no contract was inferred from this file and none of its rows is written; fix the header or the rows and"
                + " upload the file again; the file was read with ',' as its delimiter (comma): if it has another, declare it (CSV_DELIMITERS=people:semicolon,"
                + " or tab or pipe) and convert it again. On this machine: change " + broken + " under --input as this says (or set what it names),"
                + " then run the command again."), line);

        Path typed = Files.writeString(directory.resolve("bronze/people/a.csv"), "id,amount\n1,2.5\n3,4.5\n");
        silver.convert(new BronzeFile(typed, "people/a.csv", "people"));
        Path refused = Files.writeString(directory.resolve("bronze/people/b.csv"), "id,amount\n4,n/a\n");
        BronzeFile refusedFile = new BronzeFile(refused, "people/b.csv", "people");
        String withContract = silver.describe(refusedFile, silver.convert(refusedFile));
        assertTrue(withContract.contains("; the types are the dataset's schema contract's: ") && withContract.contains("_schemas/people.json"), withContract);
    }

    /**
     * A file's ingest_date is the day (UTC) of its modification time, the local stand-in for the bronze object's
     * LastModified (docs/local.md, Silver tables): a file touched later is converted again into the later day's
     * partition, and its rows leave the earlier one, as a file uploaded again does.
     */
    @Test
    void aFilesIngestDateIsTheDayOfItsModificationTime() throws IOException {
        LocalSilver silver = new LocalSilver(directory.resolve("silver"), CsvOverrides.none(), Clock.systemUTC());
        Path file = Files.writeString(Files.createDirectories(directory.resolve("bronze/orders")).resolve("a.csv"), "order_id,amount\n1,2.5\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-15T23:30:00Z")));
        BronzeFile bronze = new BronzeFile(file, "orders/a.csv", "orders");

        assertEquals("2026-01-15", silver.convert(bronze).manifest().ingestDate());
        assertTrue(parquetUnder(directory.resolve("silver/orders/ingest_date=2026-01-15")), "the first conversion's partition");

        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-03-02T08:00:00Z")));
        assertEquals("2026-03-02", silver.convert(bronze).manifest().ingestDate());
        assertTrue(parquetUnder(directory.resolve("silver/orders/ingest_date=2026-03-02")), "the touched file's partition");
        assertFalse(parquetUnder(directory.resolve("silver/orders/ingest_date=2026-01-15")), "the rows left the earlier day's partition");
    }

    private static boolean parquetUnder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.anyMatch(path -> path.getFileName().toString().endsWith(".parquet"));
        }
    }

    /**
     * Rows refused only for their number of fields are no matter of types: the line does not send the person to
     * edit the contract, as it does once a row was refused for a value that does not fit its column's type.
     */
    @Test
    void aLineOfRowsQuarantinedOnlyForTheirNumberOfFieldsDoesNotPointToTheContract() throws IOException {
        LocalSilver silver = new LocalSilver(directory.resolve("silver"), CsvOverrides.none(), Clock.systemUTC());
        Path folder = Files.createDirectories(directory.resolve("bronze/orders"));
        silver.convert(new BronzeFile(Files.writeString(folder.resolve("a.csv"), "order_id,amount\n1,2.5\n"), "orders/a.csv", "orders"));
        BronzeFile wide = new BronzeFile(Files.writeString(folder.resolve("b.csv"), "order_id,amount\n2,3.5,extra\n3,4.5\n"), "orders/b.csv", "orders");
        BronzeFile mistyped = new BronzeFile(Files.writeString(folder.resolve("c.csv"), "order_id,amount\n4,n/a\n5,6.5,extra\n"), "orders/c.csv", "orders");

        String wideLine = silver.describe(wide, silver.convert(wide));
        String mistypedLine = silver.describe(mistyped, silver.convert(mistyped));

        assertTrue(wideLine.startsWith("converted orders/b.csv into orders: 2 rows read, 1 written, 1 quarantined (rows and reasons in "), wideLine);
        assertFalse(wideLine.contains("schema contract") || wideLine.contains("_schemas/"), wideLine);
        assertTrue(mistypedLine.contains(".csv; the types are the dataset's schema contract's: " + directory.resolve("silver/_schemas/orders.json") + ")"),
                mistypedLine);
    }

    /**
     * The reasons the Lambda function logs say the file stays in bronze and is to be uploaded again; on a
     * laptop the line adds what to do there, naming the file in --input.
     */
    @Test
    void aRejectedFileLineSaysWhatToDoOnThisMachine() throws IOException {
        LocalSilver silver = new LocalSilver(directory.resolve("silver"), CsvOverrides.none(), Clock.systemUTC());
        Path folder = Files.createDirectories(directory.resolve("bronze/orders"));
        silver.convert(new BronzeFile(Files.writeString(folder.resolve("a.csv"), "order_id,amount\n1,2.5\n"), "orders/a.csv", "orders"));
        Path other = Files.writeString(folder.resolve("customers.csv"), "customer_id,name,city\n1,Ann,Lyon\n");
        BronzeFile otherFile = new BronzeFile(other, "orders/customers.csv", "orders");

        Path latin1 = Files.write(folder.resolve("latin1.csv"), "order_id,amount\n2,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        BronzeFile latin1File = new BronzeFile(latin1, "orders/latin1.csv", "orders");

        String line = silver.describe(otherFile, silver.convert(otherFile));
        silver.convert(latin1File);
        String again = silver.describe(latin1File, silver.convert(latin1File));

        assertTrue(line.startsWith("rejected orders/customers.csv into orders: ") && line.contains("(it stays in bronze)"), line);
        assertTrue(line.endsWith(" On this machine: change " + other + " under --input as this says (or set what it names), then run the command again."), line);
        assertTrue(again.startsWith("unchanged orders/latin1.csv into orders: rejected before, read with the same settings, and unchanged since: "), again);
        assertTrue(again.endsWith(" On this machine: change " + latin1 + " under --input as this says (or set what it names), then run the command again."), again);
    }

    /**
     * An empty file's line says why it is empty, as the silver command's line and the manifest do: a file
     * holding only its header is another mistake (an export cut short) than a file of no bytes.
     */
    @Test
    void anEmptyFileLineSaysWhetherTheFileHeldAHeader() throws IOException {
        LocalSilver silver = new LocalSilver(directory.resolve("silver"), CsvOverrides.none(), Clock.systemUTC());
        Path folder = Files.createDirectories(directory.resolve("bronze/orders"));
        BronzeFile headerOnly = new BronzeFile(Files.writeString(folder.resolve("header_only.csv"), "order_id,amount\n"), "orders/header_only.csv", "orders");
        BronzeFile noBytes = new BronzeFile(Files.writeString(folder.resolve("no_bytes.csv"), ""), "orders/no_bytes.csv", "orders");

        String headerOnlyLine = silver.describe(headerOnly, silver.convert(headerOnly));
        String noBytesLine = silver.describe(noBytes, silver.convert(noBytes));

        assertEquals("empty orders/header_only.csv into orders: 0 rows read, 0 written, 0 quarantined (the file holds a header and no rows)", headerOnlyLine);
        assertEquals("empty orders/no_bytes.csv into orders: 0 rows read, 0 written, 0 quarantined (the file holds no header and no rows)", noBytesLine);
    }
}
