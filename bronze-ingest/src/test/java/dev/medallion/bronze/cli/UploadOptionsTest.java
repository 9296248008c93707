package dev.medallion.bronze.cli;

import dev.medallion.common.cli.UsageException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UploadOptionsTest {
    private static final long MIB = 1 << 20;

    @Test
    void defaults() throws UsageException {
        UploadOptions options = UploadOptions.parse(List.of("data/sales", "--bucket", "bronze"));

        assertEquals(List.of(Path.of("data/sales")), options.paths());
        assertEquals("bronze", options.bucket());
        assertEquals(Optional.empty(), options.dataset());
        assertEquals(Optional.empty(), options.prefix());
        assertFalse(options.dryRun());
        assertFalse(options.allowEmpty());
        assertEquals(4, options.concurrency());
        assertEquals(8 << 20, options.partSize());
        assertEquals(Optional.empty(), options.endpoint());
    }

    @Test
    void everyOptionInAnyOrderAndBothSpellings() throws UsageException {
        UploadOptions options = UploadOptions.parse(List.of(
                "--dry-run", "--allow-empty", "a.csv", "--bucket=bronze", "--dataset", "Sales Data", "b", "--prefix=2026/11",
                "--concurrency", "8", "--part-size", "5", "--endpoint-url", "http://localhost:4566", "--", "--odd name.csv"));

        assertEquals(List.of(Path.of("a.csv"), Path.of("b"), Path.of("--odd name.csv")), options.paths());
        assertEquals("bronze", options.bucket());
        assertEquals(Optional.of("Sales Data"), options.dataset());
        assertEquals(Optional.of("2026/11"), options.prefix());
        assertTrue(options.dryRun());
        assertTrue(options.allowEmpty());
        assertEquals(8, options.concurrency());
        assertEquals(5 << 20, options.partSize());
        assertEquals(Optional.of(URI.create("http://localhost:4566")), options.endpoint());
    }

    @Test
    void aPastedBucketUrlKeepsTheNameAlone() throws UsageException {
        assertEquals("bronze", UploadOptions.bucketName("s3://bronze/"));
        assertEquals("bronze", UploadOptions.bucketName(" bronze "));
        assertEquals("--bucket takes the bucket's name alone, not 's3://bronze/sales': the dataset comes from the folder "
                + "(or --dataset), and further folders from --prefix", refusal("x.csv", "--bucket", "s3://bronze/sales"));
    }

    @Test
    void refusesWhatItCannotUse() {
        assertEquals("give at least one file or folder to upload", refusal("--bucket", "b"));
        assertEquals("--bucket is required", refusal("a.csv"));
        assertEquals("--bucket needs a value", refusal("a.csv", "--bucket"));
        assertEquals("--bucket needs a value", refusal("a.csv", "--bucket", "--dry-run"));
        assertEquals("--bucket is given twice", refusal("a.csv", "--bucket", "a", "--bucket", "b"));
        assertEquals("unknown option --force", refusal("a.csv", "--bucket", "b", "--force"));
        assertEquals("--dry-run takes no value", refusal("a.csv", "--bucket", "b", "--dry-run=yes"));
        assertEquals("--dataset must not be blank", refusal("a.csv", "--bucket", "b", "--dataset", " "));
        assertEquals("--concurrency must be a whole number, not 'many'", refusal("a.csv", "--bucket", "b", "--concurrency", "many"));
        assertEquals("--concurrency must be between 1 and 64, not 0", refusal("a.csv", "--bucket", "b", "--concurrency", "0"));
        assertEquals("--part-size must be between 5 and 1024, not 4", refusal("a.csv", "--bucket", "b", "--part-size", "4"));
        assertEquals("--endpoint-url must be an http or https URL such as http://localhost:4566, not 'localhost:4566'",
                refusal("a.csv", "--bucket", "b", "--endpoint-url", "localhost:4566"));
    }

    /**
     * The converter takes a key's first folder as the dataset, so a dataset typed with a slash, meant as a dataset
     * and folders in it, would become one table of both names (sales_2026), its rows apart from the dataset's.
     */
    @Test
    void aDatasetWithASlashIsRefusedSplitIntoDatasetAndPrefix() throws UsageException {
        assertEquals("--dataset takes the dataset's name alone, not 'sales/2026/11': the converter takes a key's first folder as its dataset, so"
                + " this would be one table, sales_2026_11; to upload into sales under the folders 2026/11, give --dataset sales --prefix 2026/11",
                refusal("a.csv", "--bucket", "b", "--dataset", "sales/2026/11"));
        assertEquals("--dataset takes the dataset's name alone, not 'sales/2026': the converter takes a key's first folder as its dataset, so"
                + " this would be one table, sales_2026; to upload into sales under the folders 2026/11, give --dataset sales --prefix 2026/11",
                refusal("a.csv", "--bucket", "b", "--dataset", "sales/2026", "--prefix", "11"));
        // Slashes around the name are tidied, as around --prefix.
        assertEquals(Optional.of("sales"), UploadOptions.parse(List.of("a.csv", "--bucket", "b", "--dataset", "/sales/")).dataset());
    }

    /**
     * Each upload holds one part in memory: buffers beyond half the heap could end the run in an
     * OutOfMemoryError midway, with a stack trace, no table, and files neither tried nor reported.
     */
    @Test
    void partBuffersBeyondHalfTheHeapAreRefusedNamingBothOptionsTheHeapAndTheRemedy() throws UsageException {
        long heap = 4096L * MIB;

        assertEquals("--concurrency 64 x --part-size 1024 MiB is 65536 MiB of part buffers held at once, more than half of this JVM's maximum heap "
                        + "(4096 MiB), and the run could die midway out of memory: lower --concurrency or --part-size, or raise the heap, e.g. "
                        + "JAVA_TOOL_OPTIONS=-Xmx160g",
                refusal(heap, "a.csv", "--bucket", "b", "--concurrency", "64", "--part-size", "1024"));
        assertEquals("--concurrency 5 x --part-size 8 MiB is 40 MiB of part buffers held at once, more than half of this JVM's maximum heap "
                        + "(64 MiB), and the run could die midway out of memory: lower --concurrency or --part-size, or raise the heap, e.g. "
                        + "JAVA_TOOL_OPTIONS=-Xmx100m",
                refusal(64L * MIB, "a.csv", "--bucket", "b", "--concurrency", "5"));
        // Half the heap exactly is taken; so are the defaults (4 x 8 MiB) in a 64 MiB heap, and anything in a JVM without a limit.
        assertEquals(32, UploadOptions.parse(List.of("a.csv", "--bucket", "b", "--concurrency", "32", "--part-size", "64"), heap).concurrency());
        assertEquals(4, UploadOptions.parse(List.of("a.csv", "--bucket", "b"), 64L * MIB).concurrency());
        assertEquals(64, UploadOptions.parse(List.of("a.csv", "--bucket", "b", "--concurrency", "64", "--part-size", "1024"), Long.MAX_VALUE).concurrency());
        // A dry run holds no part.
        assertEquals(64, UploadOptions.parse(List.of("a.csv", "--bucket", "b", "--concurrency", "64", "--part-size", "1024", "--dry-run"), heap).concurrency());
    }

    private static String refusal(long heap, String... args) {
        return assertThrows(UsageException.class, () -> UploadOptions.parse(List.of(args), heap)).getMessage();
    }

    private static String refusal(String... args) {
        return assertThrows(UsageException.class, () -> UploadOptions.parse(List.of(args))).getMessage();
    }
}
