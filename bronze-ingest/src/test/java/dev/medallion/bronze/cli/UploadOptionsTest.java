package dev.medallion.bronze.cli;

import dev.medallion.common.cli.UsageException;
import dev.medallion.common.layout.SilverLayout;
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
        // The first folder of a key is its dataset: s3://bronze/sales is where --dataset sales uploads, and further folders are --prefix.
        assertEquals("--bucket takes the bucket's name alone, not 's3://bronze/sales': give --bucket bronze --dataset sales (a key's first folder is"
                + " its dataset, by default the name of the folder uploaded, and the folders after it go in --prefix)",
                refusal("x.csv", "--bucket", "s3://bronze/sales"));
        assertEquals("--bucket takes the bucket's name alone, not 'bronze/sales/2026/11/': give --bucket bronze --dataset sales --prefix 2026/11"
                + " (a key's first folder is its dataset, by default the name of the folder uploaded, and the folders after it go in --prefix)",
                refusal("x.csv", "--bucket", "bronze/sales/2026/11/"));
    }

    /**
     * A name S3 would never give a general purpose bucket is refused before any request, naming the rule it breaks
     * (S3 User Guide, "General purpose bucket naming rules"), rather than answered "does not exist" by HeadBucket.
     */
    @Test
    void aBucketNameAgainstS3sNamingRulesIsRefusedNamingTheRule() throws UsageException {
        String remedy = ": give the bronze bucket's name, as terraform output bucket_names prints it (S3 User Guide, general purpose bucket naming"
                + " rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)";
        assertEquals("--bucket 'My_Bucket' is not a bucket name S3 allows: a bucket name holds only lowercase letters, digits, periods (.) and"
                + " hyphens (-), and this one holds 'M', '_', 'B'" + remedy, refusal("a.csv", "--bucket", "My_Bucket"));
        assertEquals("--bucket 's3://b' is not a bucket name S3 allows: a bucket name is 3 to 63 characters long, and 'b' is 1" + remedy,
                refusal("a.csv", "--bucket", "s3://b"));
        assertEquals("--bucket 'ab' is not a bucket name S3 allows: a bucket name is 3 to 63 characters long, and 'ab' is 2" + remedy,
                refusal("a.csv", "--bucket", "ab"));
        String long64 = "a".repeat(64);
        assertEquals("--bucket '" + long64 + "' is not a bucket name S3 allows: a bucket name is 3 to 63 characters long, and '" + long64 + "' is 64"
                + remedy, refusal("a.csv", "--bucket", long64));
        assertEquals("--bucket 'xn--x' is not a bucket name S3 allows: a bucket name does not start with xn--, which S3 reserves" + remedy,
                refusal("a.csv", "--bucket", "xn--x"));
        assertEquals("--bucket 'sthree-bronze' is not a bucket name S3 allows: a bucket name does not start with sthree-, which S3 reserves" + remedy,
                refusal("a.csv", "--bucket", "sthree-bronze"));
        assertEquals("--bucket '192.168.5.4' is not a bucket name S3 allows: a bucket name is not formatted as an IP address; an S3 emulator's"
                + " address goes in --endpoint-url, such as http://192.168.5.4:4566" + remedy, refusal("a.csv", "--bucket", "192.168.5.4"));
        assertEquals("--bucket '-bronze' is not a bucket name S3 allows: a bucket name begins and ends with a lowercase letter or a digit, and this"
                + " one begins with '-'" + remedy, refusal("a.csv", "--bucket", "-bronze"));
        assertEquals("--bucket 'bronze.' is not a bucket name S3 allows: a bucket name begins and ends with a lowercase letter or a digit, and this"
                + " one ends with '.'" + remedy, refusal("a.csv", "--bucket", "bronze."));
        assertEquals("--bucket 'my..bronze' is not a bucket name S3 allows: a bucket name holds no two adjacent periods" + remedy,
                refusal("a.csv", "--bucket", "my..bronze"));
        // The bucket part of a pasted URL is checked before the hint, which would otherwise name a bucket S3 refuses.
        assertEquals("--bucket 's3://My_Bucket/sales' is not a bucket name S3 allows: a bucket name holds only lowercase letters, digits, periods (.)"
                + " and hyphens (-), and this one holds 'M', '_', 'B'" + remedy, refusal("a.csv", "--bucket", "s3://My_Bucket/sales"));

        // The edges of the rules are taken: 3 and 63 characters, periods and hyphens inside, an IP-like name with a letter in it, and
        // the suffixes S3 reserves for access point aliases and directory buckets, which S3 takes where a bucket name goes.
        for (String name : List.of("abc", "a".repeat(63), "my.bronze-bucket.2026", "192.168.5.4a", "10.0.0", "ap-abcdefghij-s3alias",
                "bronze--usw2-az1--x-s3", "xn-bronze")) {
            assertEquals(name, UploadOptions.parse(List.of("a.csv", "--bucket", name)).bucket());
        }
    }

    @Test
    void refusesWhatItCannotUse() {
        assertEquals("give at least one file or folder to upload", refusal("--bucket", "bronze"));
        assertEquals("--bucket is required", refusal("a.csv"));
        assertEquals("--bucket needs a value", refusal("a.csv", "--bucket"));
        assertEquals("--bucket needs a value", refusal("a.csv", "--bucket", "--dry-run"));
        assertEquals("--bucket is given twice", refusal("a.csv", "--bucket", "a", "--bucket", "bronze"));
        assertEquals("unknown option --force", refusal("a.csv", "--bucket", "bronze", "--force"));
        assertEquals("--dry-run takes no value", refusal("a.csv", "--bucket", "bronze", "--dry-run=yes"));
        assertEquals("--dataset must not be blank", refusal("a.csv", "--bucket", "bronze", "--dataset", " "));
        assertEquals("--concurrency must be a whole number, not 'many'", refusal("a.csv", "--bucket", "bronze", "--concurrency", "many"));
        assertEquals("--concurrency must be between 1 and 64, not 0", refusal("a.csv", "--bucket", "bronze", "--concurrency", "0"));
        assertEquals("--part-size must be between 5 and 1024, not 4", refusal("a.csv", "--bucket", "bronze", "--part-size", "4"));
        assertEquals("--endpoint-url must be an http or https URL such as http://localhost:4566, not 'localhost:4566'",
                refusal("a.csv", "--bucket", "bronze", "--endpoint-url", "localhost:4566"));
    }

    /**
     * The converter takes a key's first folder as the dataset, so a dataset typed with a slash, meant as a dataset
     * and folders in it, would become one table of both names (sales_2026), its rows apart from the dataset's.
     */
    @Test
    void aDatasetWithASlashIsRefusedSplitIntoDatasetAndPrefix() throws UsageException {
        assertEquals("--dataset takes the dataset's name alone, not 'sales/2026/11': the converter takes a key's first folder as its dataset, so"
                + " this would be one table, sales_2026_11; to upload into sales under the folders 2026/11, give --dataset sales --prefix 2026/11",
                refusal("a.csv", "--bucket", "bronze", "--dataset", "sales/2026/11"));
        assertEquals("--dataset takes the dataset's name alone, not 'sales/2026': the converter takes a key's first folder as its dataset, so"
                + " this would be one table, sales_2026; to upload into sales under the folders 2026/11, give --dataset sales --prefix 2026/11",
                refusal("a.csv", "--bucket", "bronze", "--dataset", "sales/2026", "--prefix", "11"));
        // Slashes around the name are tidied, as around --prefix.
        assertEquals(Optional.of("sales"), UploadOptions.parse(List.of("a.csv", "--bucket", "bronze", "--dataset", "/sales/")).dataset());
    }

    /**
     * A --dataset of no letter or digit ('.', '..', '-') was taken: the converter names its table after a hash of
     * it, so '--dataset .', meant as "this folder", uploaded into dataset_cdb4ee2a, and '../x' was pointed to
     * '--dataset .. --prefix x'. Refused, as a slip, as a dataset folder so named is (UploadPlannerTest).
     */
    @Test
    void aDatasetOfNoLetterOrDigitIsRefused() throws UsageException {
        for (String name : List.of(".", "..", "-", "_", "./", "\ud83d\udcc8")) {
            assertEquals("--dataset must name a dataset, not '" + name + "': it holds no letter or digit, so its table would be named after a hash of it ("
                    + SilverLayout.datasetName(name.replace("/", "")) + "): give the dataset's name, such as sales", refusal("a.csv", "--bucket", "bronze", "--dataset", name));
        }
        assertEquals("--dataset must name a dataset, not '../x': its first folder '..' holds no letter or digit, so its table would be named after a hash of it ("
                + SilverLayout.datasetName("..") + "): give the dataset's name, such as sales", refusal("a.csv", "--bucket", "bronze", "--dataset", "../x"));
        // A name the converter keeps something of is taken as it takes it.
        assertEquals(Optional.of("Ventes-R\u00e9gion"), UploadOptions.parse(List.of("a.csv", "--bucket", "bronze", "--dataset", "Ventes-R\u00e9gion")).dataset());
        assertEquals(Optional.of("\u043f\u0440\u043e\u0434\u0430\u0436\u0438"),
                UploadOptions.parse(List.of("a.csv", "--bucket", "bronze", "--dataset", "\u043f\u0440\u043e\u0434\u0430\u0436\u0438")).dataset());
        assertEquals(Optional.of("2026"), UploadOptions.parse(List.of("a.csv", "--bucket", "bronze", "--dataset", "2026")).dataset());
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
                refusal(heap, "a.csv", "--bucket", "bronze", "--concurrency", "64", "--part-size", "1024"));
        assertEquals("--concurrency 5 x --part-size 8 MiB is 40 MiB of part buffers held at once, more than half of this JVM's maximum heap "
                        + "(64 MiB), and the run could die midway out of memory: lower --concurrency or --part-size, or raise the heap, e.g. "
                        + "JAVA_TOOL_OPTIONS=-Xmx100m",
                refusal(64L * MIB, "a.csv", "--bucket", "bronze", "--concurrency", "5"));
        // Half the heap exactly is taken; so are the defaults (4 x 8 MiB) in a 64 MiB heap, and anything in a JVM without a limit.
        assertEquals(32, UploadOptions.parse(List.of("a.csv", "--bucket", "bronze", "--concurrency", "32", "--part-size", "64"), heap).concurrency());
        assertEquals(4, UploadOptions.parse(List.of("a.csv", "--bucket", "bronze"), 64L * MIB).concurrency());
        assertEquals(64, UploadOptions.parse(List.of("a.csv", "--bucket", "bronze", "--concurrency", "64", "--part-size", "1024"), Long.MAX_VALUE).concurrency());
        // A dry run holds no part.
        assertEquals(64, UploadOptions.parse(List.of("a.csv", "--bucket", "bronze", "--concurrency", "64", "--part-size", "1024", "--dry-run"), heap).concurrency());
    }

    private static String refusal(long heap, String... args) {
        return assertThrows(UsageException.class, () -> UploadOptions.parse(List.of(args), heap)).getMessage();
    }

    private static String refusal(String... args) {
        return assertThrows(UsageException.class, () -> UploadOptions.parse(List.of(args))).getMessage();
    }
}
