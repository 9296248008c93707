package dev.medallion.local.silver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BronzeFilesTest {
    @TempDir
    Path input;

    @Test
    void findsTheBronzeFilesInPathOrderWithTheDatasetOfTheirFirstFolder() throws IOException {
        for (String file : List.of("sales/2026/02/b.csv", "sales/2026/01/z.CSV", "sales/2026/01/a.csv.gz", "Stores EU/stores.dat",
                "orders.csv", "Legacy Export.CSV.GZ", "sales/readme.txt", "sales/data.parquet", ".git/x.csv", "sales/.~lock.a.csv#", "sales/.hidden.csv")) {
            Files.createDirectories(input.resolve(file).getParent());
            Files.writeString(input.resolve(file), "a\n1\n");
        }

        List<BronzeFile> files = BronzeFiles.under(input);

        assertEquals(List.of(
                        "Legacy Export.CSV.GZ -> legacy_export",
                        "Stores EU/stores.dat -> stores_eu",
                        "orders.csv -> orders",
                        "sales/2026/01/a.csv.gz -> sales",
                        "sales/2026/01/z.CSV -> sales",
                        "sales/2026/02/b.csv -> sales"),
                files.stream().map(file -> file.key() + " -> " + file.dataset()).toList());
        assertEquals(input.resolve("sales/2026/02/b.csv"), files.get(5).path());
    }

    @Test
    void aFileAsTheInputIsItsOwnDataset() throws IOException {
        Path file = Files.writeString(input.resolve("Daily Orders.csv"), "a\n1\n");

        assertEquals(List.of(new BronzeFile(file, "Daily Orders.csv", "daily_orders")), BronzeFiles.under(file));
        assertEquals(List.of(), BronzeFiles.under(Files.writeString(input.resolve("notes.txt"), "x")));
    }

    @Test
    void aMissingInputIsAnError() {
        assertEquals(input.resolve("nothing") + ": the input does not exist",
                assertThrows(NoSuchFileException.class, () -> BronzeFiles.under(input.resolve("nothing"))).getMessage());
    }
}
