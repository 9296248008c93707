package dev.medallion.local.silver;

import dev.medallion.common.config.CsvOverrides;
import dev.medallion.silver.ConversionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

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
        assertFalse(line.contains("schema contract"), line);

        Path typed = Files.writeString(directory.resolve("bronze/people/a.csv"), "id,amount\n1,2.5\n3,4.5\n");
        silver.convert(new BronzeFile(typed, "people/a.csv", "people"));
        Path refused = Files.writeString(directory.resolve("bronze/people/b.csv"), "id,amount\n4,n/a\n");
        BronzeFile refusedFile = new BronzeFile(refused, "people/b.csv", "people");
        String withContract = silver.describe(refusedFile, silver.convert(refusedFile));
        assertTrue(withContract.contains("; the types are the dataset's schema contract's: ") && withContract.contains("_schemas/people.json"), withContract);
    }
}
