package dev.medallion.local.silver;

import dev.medallion.common.config.CsvOverrides;
import dev.medallion.silver.ConversionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

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
        Path broken = Files.writeString(Files.createDirectories(directory.resolve("bronze/people")).resolve("broken.csv"), "id,amount,\n1,2.5\n");
        BronzeFile brokenFile = new BronzeFile(broken, "people/broken.csv", "people");
        ConversionResult none = silver.convert(brokenFile);
        String line = silver.describe(brokenFile, none);
        assertTrue(line.contains("1 rows read, 0 written, 1 quarantined"), line);
        // No contract's path, and the reason there is none (the manifest's), as the silver command's line gives it.
        assertFalse(line.contains("_schemas/") || line.contains("the types are"), line);
        assertTrue(line.endsWith(".csv); no schema contract: none of the file's first rows (up to 100000), from which a new dataset's contract is inferred,"
                + " has the header's 3 fields, so no contract was inferred from this file and none of its rows is written; fix the header or the rows and"
                + " upload the file again; the file was read with ',' as its delimiter (comma): if it has another, declare it (CSV_DELIMITERS=people:semicolon,"
                + " or tab or pipe) and convert it again"), line);

        Path typed = Files.writeString(directory.resolve("bronze/people/a.csv"), "id,amount\n1,2.5\n3,4.5\n");
        silver.convert(new BronzeFile(typed, "people/a.csv", "people"));
        Path refused = Files.writeString(directory.resolve("bronze/people/b.csv"), "id,amount\n4,n/a\n");
        BronzeFile refusedFile = new BronzeFile(refused, "people/b.csv", "people");
        String withContract = silver.describe(refusedFile, silver.convert(refusedFile));
        assertTrue(withContract.contains("; the types are the dataset's schema contract's: ") && withContract.contains("_schemas/people.json"), withContract);
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
