package dev.medallion.silver;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.config.Environment;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.testing.BronzeAndSilverBuckets;
import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Injection;
import dev.medallion.common.testing.Request;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.silver.lambda.S3Events;
import dev.medallion.silver.lambda.SilverConverterHandler;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bronze object deleted from a versioned bucket withdraws its rows from silver (docs/silver-converter.md,
 * "Deleting a bronze file"), against an S3 emulator: the withdrawal is a commit like a conversion's, so a
 * removal of an old version, a file uploaded again before its removal is handled, a redelivered removal
 * and a withdrawal racing a re-upload's conversion on the same manifest (the withdrawal, the Lambda
 * handler's, held before its manifest write by a {@link FaultProxy}) all end with the rows bronze holds, each once.
 */
class WithdrawalIT {
    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    @RegisterExtension
    final BronzeAndSilverBuckets buckets = BronzeAndSilverBuckets.withVersionedBronzeOn(S3);

    private static final String DATASET = "sales";
    private static final SilverLayout LAYOUT = new SilverLayout("");
    private static final ConversionLimits LIMITS = new ConversionLimits(2_000, 1 << 30, 1, 1 << 20);
    private static final String KEY = "sales/src.csv";
    private static final String OTHER_KEY = "sales/other.csv";
    /** Quarantined whatever the contract: the header has two fields. */
    private static final String BAD_ROW = "7,too,many\n";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Predicate<Request> WRITE_MANIFEST = request -> request.method().equals("PUT") && request.path().contains("/_manifests/");

    @TempDir
    Path temporary;

    private final List<FaultProxy> proxies = new ArrayList<>();
    private final List<S3Client> clients = new ArrayList<>();
    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();
    /** Where in {@link #logLines} the lines of {@link #convertWhileTheFileIsDeleted}'s conversion, once let through, begin. */
    private int conversionLogStart;

    @AfterEach
    void tearDown() {
        clients.forEach(S3Client::close);
        for (FaultProxy proxy : proxies) {
            assertEquals(List.of(), proxy.failures(), "the proxy itself worked");
            proxy.close();
        }
    }

    @Test
    void aDeletedFileIsWithdrawnItsPartsAndQuarantineGoneAndTheOtherFilesRowsStay() throws IOException {
        SourceObject deleted = upload(KEY, csv(0, 3_000, BAD_ROW));
        SourceObject kept = upload(OTHER_KEY, csv(10_000, 500, ""));
        Manifest converted = convert(converter(buckets.silver()), deleted).manifest();
        Manifest other = convert(converter(buckets.silver()), kept).manifest();
        assertEquals(2, converted.parts().size(), "chunks of 2,000 rows: two parts");
        assertTrue(converted.quarantine() != null, "one row quarantined");
        String otherManifestEtag = buckets.silver().stat(LAYOUT.manifestKey(DATASET, OTHER_KEY)).orElseThrow().etag();

        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY));
        WithdrawalResult result = withdraw(converter(buckets.silver()));

        assertEquals(WithdrawalResult.WITHDRAWN, result.outcome());
        Manifest withdrawn = manifest(KEY);
        assertEquals(Manifest.WITHDRAWN, withdrawn.status());
        assertEquals(Manifest.WITHDRAWN_FORMAT_VERSION, withdrawn.formatVersion());
        assertEquals(converted.generation() + 1, withdrawn.generation());
        assertEquals(converted.source(), withdrawn.source(), "the version withdrawn");
        assertEquals(converted.writtenKeys(), withdrawn.supersedes(), "its parts and quarantine file");
        assertEquals(List.of(), withdrawn.parts());
        assertEquals(0, withdrawn.rowsRead());
        for (String key : converted.writtenKeys()) {
            assertFalse(buckets.silver().stat(key).isPresent(), "swept: " + key);
        }
        assertEquals(List.of(), buckets.silver().list("_quarantine/"), "the quarantine file of the deleted file is gone, the other file had none");
        // A reader that ignores manifests (Athena, Glue) reads every Parquet object of the dataset: the other file's rows, each once.
        assertEquals(LongStream.range(10_000, 10_500).boxed().toList(), idsOfEveryPart());
        assertEquals(other.parts().stream().map(part -> part.key()).sorted().toList(), ExactlyOnce.parquetKeys(buckets.silver(), DATASET));
        assertEquals(otherManifestEtag, buckets.silver().stat(LAYOUT.manifestKey(DATASET, OTHER_KEY)).orElseThrow().etag(), "the other file untouched");
        assertTrue(logLines.toString(StandardCharsets.UTF_8).lines().anyMatch(line -> line.contains("\"message\":\"source object withdrawn\"")
                && line.contains("\"outcome\":\"withdrawn\"") && line.contains("\"rowsWithdrawn\":3000") && line.contains("\"quarantinedRowsWithdrawn\":1")),
                logLines.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aRedeliveredRemovalIsANoOp() throws IOException {
        convert(converter(buckets.silver()), upload(KEY, csv(0, 100, "")));
        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY));
        assertEquals(WithdrawalResult.WITHDRAWN, withdraw(converter(buckets.silver())).outcome());
        String manifestEtag = buckets.silver().stat(LAYOUT.manifestKey(DATASET, KEY)).orElseThrow().etag();
        List<String> before = buckets.silver().list("");

        WithdrawalResult again = withdraw(converter(buckets.silver()));

        assertEquals(WithdrawalResult.UNCHANGED, again.outcome());
        assertTrue(again.reason().orElseThrow().contains("already withdrawn"), again.reason().orElseThrow());
        assertEquals(manifestEtag, buckets.silver().stat(LAYOUT.manifestKey(DATASET, KEY)).orElseThrow().etag(), "no new manifest: no gold trigger either");
        assertEquals(before, buckets.silver().list(""));
    }

    @Test
    void aKeyNeverConvertedIsANoOp() throws IOException {
        WithdrawalResult result = withdraw(converter(buckets.silver()));

        assertEquals(WithdrawalResult.UNCHANGED, result.outcome());
        assertEquals(List.of(), buckets.silver().list(""));
    }

    @Test
    void theRemovalOfAnOldVersionWhileTheCurrentOneExistsChangesNothing() throws IOException {
        SourceObject first = upload(KEY, csv(0, 100, ""));
        String firstVersion = S3.client().headObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY)).versionId();
        convert(converter(buckets.silver()), first);
        SourceObject second = upload(KEY, csv(0, 200, ""));
        convert(converter(buckets.silver()), second);
        List<String> before = buckets.silver().list("");
        String manifestEtag = buckets.silver().stat(LAYOUT.manifestKey(DATASET, KEY)).orElseThrow().etag();

        // ObjectRemoved:Delete of the old version: the current one stays.
        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY).versionId(firstVersion));
        WithdrawalResult result = withdraw(converter(buckets.silver()));

        assertEquals(WithdrawalResult.PRESENT, result.outcome());
        assertEquals(before, buckets.silver().list(""));
        assertEquals(manifestEtag, buckets.silver().stat(LAYOUT.manifestKey(DATASET, KEY)).orElseThrow().etag());
        assertExactlyOnce(second, 200, 0);
    }

    @Test
    void aFileUploadedAgainBeforeItsRemovalIsHandledStaysAndItsUploadConverts() throws IOException {
        convert(converter(buckets.silver()), upload(KEY, csv(0, 100, "")));
        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY));
        SourceObject again = upload(KEY, csv(0, 300, ""));

        WithdrawalResult result = withdraw(converter(buckets.silver()));
        ConversionResult converted = convert(converter(buckets.silver()), again);

        assertEquals(WithdrawalResult.PRESENT, result.outcome());
        assertFalse(converted.unchanged());
        assertExactlyOnce(again, 300, 0);
    }

    @Test
    void theSameBytesUploadedAgainAfterAWithdrawalAreConvertedNotAnsweredUnchanged() throws IOException {
        byte[] content = csv(0, 100, BAD_ROW);
        convert(converter(buckets.silver()), upload(KEY, content));
        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY));
        withdraw(converter(buckets.silver()));
        SourceObject again = upload(KEY, content);

        ConversionResult converted = convert(converter(buckets.silver()), again);

        assertFalse(converted.unchanged(), "the withdrawn manifest has this ETag, but records no conversion of it");
        assertEquals(3, converted.manifest().generation(), "converted on top of the withdrawn manifest");
        assertExactlyOnce(again, 100, 1);
    }

    /**
     * The withdrawal (the handler's, for the removal event) read the manifest and found the key gone; then the
     * file is uploaded again with the same bytes, and its event is answered {@code unchanged} against that
     * manifest, which records this ETag. The withdrawal then commits: had it stopped there, the file would be
     * in bronze and not in silver, with no event left to convert it. It looks at the key again and converts it.
     */
    @Test
    void aFileUploadedAgainWithTheSameBytesWhileItIsWithdrawnIsConvertedAgain() throws Exception {
        byte[] content = csv(0, 3_000, BAD_ROW);
        convert(converter(buckets.silver()), upload(KEY, content));
        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            FaultProxy proxy = proxy();
            Injection held = proxy.inject(WRITE_MANIFEST, Fault.hold(), 1);
            Future<List<String>> withdrawal = pool.submit(() -> handlerThrough(proxy).handleRequest(removal(), null));
            assertTrue(held.awaitHits(1, Duration.ofSeconds(30)), "the withdrawal found the key gone and reached its manifest write");

            SourceObject again = upload(KEY, content);
            assertTrue(convert(converter(buckets.silver()), again).unchanged(), "its event, against the manifest the withdrawal read");
            proxy.clear();

            assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + KEY), withdrawal.get(60, TimeUnit.SECONDS));
            assertEquals(3, manifest(KEY).generation(), "converted on top of the withdrawal");
            assertExactlyOnce(again, 3_000, 1);
            assertTheOneLineNamesItsDataset("source object uploaded again while its rows were withdrawn; converting it");
        }
        finally {
            pool.shutdownNow();
        }
    }

    /**
     * As above, for an ObjectCreated event that finds the key gone (delivered after the file's deletion, or Lambda's retry of a
     * conversion that failed after its commit): it withdraws what the manifest holds, held before its manifest write while the
     * same bytes are uploaded again and their event is answered {@code unchanged}. It looks at the key again and converts it.
     */
    @Test
    void aFileUploadedAgainWithTheSameBytesWhileAnEventThatFoundItGoneWithdrawsIsConvertedAgain() throws Exception {
        byte[] content = csv(0, 3_000, BAD_ROW);
        SourceObject source = upload(KEY, content);
        S3Event created = S3Events.objectCreated(buckets.bronzeBucket(), buckets.bronze().stat(KEY).orElseThrow(), temporary);
        convert(converter(buckets.silver()), source);
        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            FaultProxy proxy = proxy();
            Injection held = proxy.inject(WRITE_MANIFEST, Fault.hold(), 1);
            Future<List<String>> event = pool.submit(() -> handlerThrough(proxy).handleRequest(created, null));
            assertTrue(held.awaitHits(1, Duration.ofSeconds(30)), "the event found the key gone and reached its withdrawal's manifest write");

            SourceObject again = upload(KEY, content);
            assertTrue(convert(converter(buckets.silver()), again).unchanged(), "its event, against the manifest the withdrawal read");
            proxy.clear();

            assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + KEY), event.get(60, TimeUnit.SECONDS));
            assertEquals(3, manifest(KEY).generation(), "converted on top of the withdrawal");
            assertExactlyOnce(again, 3_000, 1);
            assertTheOneLineNamesItsDataset("source object uploaded again while its event found the key gone; converting it");
        }
        finally {
            pool.shutdownNow();
        }
    }

    /**
     * As above, with other bytes: the upload's conversion commits on the manifest the withdrawal read, so the
     * withdrawal's conditional write fails, and its retry (Lambda's) finds the key's object and withdraws nothing.
     */
    @Test
    void aReUploadsConversionThatCommitsFirstKeepsItsRowsAndTheWithdrawalsRetryWithdrawsNothing() throws Exception {
        convert(converter(buckets.silver()), upload(KEY, csv(0, 100, "")));
        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            FaultProxy proxy = proxy();
            Injection held = proxy.inject(WRITE_MANIFEST, Fault.hold(), 1);
            SilverConverterHandler handler = handlerThrough(proxy);
            Future<List<String>> withdrawal = pool.submit(() -> handler.handleRequest(removal(), null));
            assertTrue(held.awaitHits(1, Duration.ofSeconds(30)), "the withdrawal found the key gone and reached its manifest write");

            SourceObject again = upload(KEY, csv(0, 3_000, ""));
            assertFalse(convert(converter(buckets.silver()), again).unchanged(), "the conversion commits first");
            proxy.clear();
            ExecutionException lost = assertThrows(ExecutionException.class, () -> withdrawal.get(60, TimeUnit.SECONDS),
                    "the withdrawal loses to the conversion, and its invocation fails so that Lambda retries it");
            assertTrue(lost.getCause().getMessage().contains(KEY), lost.getCause().getMessage());
            assertExactlyOnce(again, 3_000, 0);

            assertEquals(List.of("present s3://" + buckets.bronzeBucket() + "/" + KEY), handler.handleRequest(removal(), null), "Lambda's retry");
            assertExactlyOnce(again, 3_000, 0);
        }
        finally {
            pool.shutdownNow();
        }
    }

    /**
     * As above, but the withdrawal's sweep fails after its manifest is written ({@link SilverCommit.CommittedException}), so its
     * invocation fails before it looks again. Lambda's retry finds the manifest already {@code withdrawn}: had it answered
     * {@code unchanged} there, the file uploaded again, whose own event was answered {@code unchanged} against the manifest the
     * withdrawal replaced, would stay out of silver with no event left to convert it. The retry looks again too.
     */
    @Test
    void aRemovalRetriedAfterItsSweepFailedConvertsTheSameBytesUploadedAgainMeanwhile() throws Exception {
        assertARetriedRemovalConvertsTheSameBytesUploadedAgain(
                request -> request.method().equals("POST") && request.hasQueryParameter("delete") && request.path().contains(buckets.silverBucket()),
                "is committed");
    }

    /**
     * As above, but the withdrawal commits and sweeps, and its look again fails converting the file uploaded again (bronze
     * answers 500 to every read of it; a deadline reached or a timeout there fails the invocation the same way). Lambda's
     * retry must convert it, not answer {@code unchanged} to a manifest already {@code withdrawn}.
     */
    @Test
    void aRemovalRetriedAfterItsLookAgainFailedConvertsTheSameBytesUploadedAgainMeanwhile() throws Exception {
        assertARetriedRemovalConvertsTheSameBytesUploadedAgain(
                request -> request.method().equals("GET") && request.path().contains(buckets.bronzeBucket()) && request.path().endsWith("/" + KEY),
                KEY);
    }

    /**
     * The removal of {@link #KEY} runs through a proxy that holds its manifest write while the same bytes are uploaded again
     * and their event is answered {@code unchanged}, then answers 500 to every request {@code failing} accepts, so the
     * invocation fails with a message holding {@code failureNamed}; the retry, without faults, must convert the file.
     */
    private void assertARetriedRemovalConvertsTheSameBytesUploadedAgain(Predicate<Request> failing, String failureNamed) throws Exception {
        byte[] content = csv(0, 3_000, BAD_ROW);
        convert(converter(buckets.silver()), upload(KEY, content));
        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            FaultProxy proxy = proxy();
            Injection held = proxy.inject(WRITE_MANIFEST, Fault.hold(), 1);
            SilverConverterHandler handler = handlerThrough(proxy);
            Future<List<String>> withdrawal = pool.submit(() -> handler.handleRequest(removal(), null));
            assertTrue(held.awaitHits(1, Duration.ofSeconds(30)), "the withdrawal found the key gone and reached its manifest write");

            SourceObject again = upload(KEY, content);
            assertTrue(convert(converter(buckets.silver()), again).unchanged(), "its event, against the manifest the withdrawal read");
            // Releases the held write (reset; the SDK sends it again), then fails what comes after it.
            proxy.clear();
            Injection failed = proxy.inject(failing, Fault.status(500), 1_000);
            ExecutionException invocation = assertThrows(ExecutionException.class, () -> withdrawal.get(60, TimeUnit.SECONDS));
            assertTrue(failed.hits() > 0, "the fault was met");
            assertTrue(invocation.getCause().getMessage().contains(failureNamed), invocation.getCause().getMessage());
            assertEquals(Manifest.WITHDRAWN, manifest(KEY).status(), "the withdrawal committed before the failure");
            proxy.clear();

            assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + KEY), handler.handleRequest(removal(), null), "Lambda's retry");
            assertEquals(3, manifest(KEY).generation(), "converted on top of the withdrawal");
            assertExactlyOnce(again, 3_000, 1);
            assertEquals(List.of("present s3://" + buckets.bronzeBucket() + "/" + KEY), handler.handleRequest(removal(), null),
                    "a further redelivery: the file is in bronze and converted, nothing to withdraw or convert");
        }
        finally {
            pool.shutdownNow();
        }
    }

    /**
     * A file deleted while its first conversion runs (a person taking back a file dropped in by mistake): its removal, handled
     * before that conversion commits, finds no manifest and withdraws nothing, and the conversion, having read every byte
     * already, then commits. Had it stopped there, a file deleted from bronze would keep its rows in silver, with no event left
     * to withdraw them. The conversion's look after its commit finds the key gone and withdraws what it committed.
     */
    @Test
    void aFileDeletedWhileItsFirstConversionCommitsIsWithdrawnByThatConversion() throws Exception {
        assertEquals(List.of("withdrawn s3://" + buckets.bronzeBucket() + "/" + KEY), convertWhileTheFileIsDeleted(Map.of()));
        // The invocation's outcome is one line, the withdrawal's: a conversion line as well would have the log metric filters count
        // the quarantined row, and the file, of a conversion whose rows left silver in the same invocation (ConverterLogMetricFiltersIT).
        List<JsonNode> lines = objectLinesSince(conversionLogStart);
        assertEquals(1, lines.size(), "one line for the conversion's invocation: " + lines);
        JsonNode withdrawn = lines.get(0);
        assertEquals("source object withdrawn", withdrawn.path("message").asText(), withdrawn.toString());
        assertEquals(WithdrawalResult.WITHDRAWN, withdrawn.path("outcome").asText(), withdrawn.toString());
        assertEquals("s3://" + buckets.bronzeBucket() + "/" + KEY, withdrawn.path("source").asText(), withdrawn.toString());
        assertEquals(3_000, withdrawn.path("rowsWithdrawn").asLong(), "the rows this conversion wrote: " + withdrawn);
        assertEquals(1, withdrawn.path("quarantinedRowsWithdrawn").asLong(), withdrawn.toString());
        assertEquals(2, withdrawn.path("filesWithdrawn").asLong(), "its part and its quarantine file: " + withdrawn);
        assertEquals(2, withdrawn.path("generation").asLong(), "the withdrawal's, on top of the conversion's: " + withdrawn);
        assertTrue(withdrawn.path("reason").asText().contains("deleted from bronze while it was converted"), withdrawn.toString());
        for (String counted : List.of("rowsWritten", "rowsQuarantined", "columnsNotWritten", "columnsMissing")) {
            assertTrue(withdrawn.path(counted).isMissingNode(), counted + " is what the filters read of a conversion: " + withdrawn);
        }
        assertEquals(Manifest.WITHDRAWN, manifest(KEY).status());
        assertEquals(List.of(), ExactlyOnce.parquetKeys(buckets.silver(), DATASET), "no part of the deleted file");
        assertEquals(List.of(), buckets.silver().list("_quarantine/"), "nor its quarantine file");
        assertEquals(List.of("unchanged s3://" + buckets.bronzeBucket() + "/" + KEY), handlerThrough(proxy()).handleRequest(removal(), null),
                "the removal delivered again: already withdrawn, and the key still gone");
    }

    /**
     * As above, the file without a header line, as {@code bcp} and MySQL's {@code SELECT ... INTO OUTFILE} write it: the contract
     * its first row gave stays after the withdrawal, named in {@code schemaContractDefined}, so the one line of the invocation says
     * too that its header reads as a row of data ({@code headerReadsAsRow}), as a processed file's line does: the next file of the
     * dataset is read by that contract, and the line is the one place the Lambda says it.
     */
    @Test
    void aHeaderlessFileDeletedWhileItsFirstConversionCommitsSaysOnItsWithdrawalsLineThatItsHeaderReadsAsARow() throws Exception {
        byte[] headerless = "1,Alice,NULL\n2,Bob,3.5\n3,Carol,4.25\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("withdrawn s3://" + buckets.bronzeBucket() + "/" + KEY), convertWhileTheFileIsDeleted(Map.of(), headerless));
        List<JsonNode> lines = objectLinesSince(conversionLogStart);
        assertEquals(1, lines.size(), "one line for the conversion's invocation: " + lines);
        JsonNode withdrawn = lines.get(0);
        assertEquals("source object withdrawn", withdrawn.path("message").asText(), withdrawn.toString());
        assertEquals(2, withdrawn.path("rowsWithdrawn").asLong(), "its first row became the header: " + withdrawn);
        assertEquals("_1 bigint, alice string, null double", withdrawn.path("schemaContractDefined").asText(), withdrawn.toString());
        assertEquals("its header reads as a row of data ('1' a bigint, 'NULL' a null marker): a file without a header line"
                + " (bcp and MySQL's SELECT ... INTO OUTFILE write none) has its first row read as the column names, that row in no table;"
                + " if so, put a line of the column names above its rows (or export it with one), delete s3://" + buckets.silverBucket()
                + "/" + LAYOUT.schemaKey(DATASET) + " and run again", withdrawn.path("headerReadsAsRow").asText(), withdrawn.toString());
        assertTrue(buckets.silver().stat(LAYOUT.schemaKey(DATASET)).isPresent(), "the contract stays");
        assertEquals(Manifest.WITHDRAWN, manifest(KEY).status());
    }

    /**
     * As above, and the file is uploaded again with the same bytes while the conversion withdraws what it committed: after the
     * withdrawal's look found the key gone, before its manifest write. The upload's event is answered {@code unchanged} against
     * the conversion's manifest, which records this ETag; had the conversion stopped at its withdrawal, the file would be in bronze
     * and not in silver, with no event left to convert it. It looks at the key again, as a removal's withdrawal does, and converts it.
     */
    @Test
    void aFileUploadedAgainWithTheSameBytesWhileItsConversionWithdrawsIsConvertedAgain() throws Exception {
        byte[] content = csv(0, 3_000, BAD_ROW);
        upload(KEY, content);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            FaultProxy proxy = proxy();
            Injection conversionCommit = proxy.inject(WRITE_MANIFEST, Fault.hold(), 1);
            SilverConverterHandler handler = handlerThrough(proxy);
            S3Event created = S3Events.objectCreated(buckets.bronzeBucket(), buckets.bronze().stat(KEY).orElseThrow(), temporary);
            Future<List<String>> conversion = pool.submit(() -> handler.handleRequest(created, null));
            assertTrue(conversionCommit.awaitHits(1, Duration.ofSeconds(30)), "the conversion read the file and reached its manifest write");
            S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY));
            assertEquals(WithdrawalResult.UNCHANGED, withdraw(converter(buckets.silver())).outcome(), "its removal, before the conversion commits");
            // Released (reset; the SDK sends it again): the conversion commits, finds the key gone, and withdraws, its write on the
            // conversion's manifest (If-Match) held in turn. Many requests come between, so the hold is in place before it.
            proxy.clear();
            Injection withdrawalCommit = proxy.inject(WRITE_MANIFEST.and(request -> request.header("if-match").isPresent()), Fault.hold(), 1);
            assertTrue(withdrawalCommit.awaitHits(1, Duration.ofSeconds(30)), "the conversion found the key gone and reached its withdrawal's write");

            SourceObject again = upload(KEY, content);
            assertTrue(convert(converter(buckets.silver()), again).unchanged(), "its event, against the manifest the conversion committed");
            proxy.clear();

            assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + KEY), conversion.get(60, TimeUnit.SECONDS));
            assertEquals(3, manifest(KEY).generation(), "converted on top of the withdrawal");
            assertExactlyOnce(again, 3_000, 1);
            assertTheOneLineNamesItsDataset("source object uploaded again while the rows its conversion committed were withdrawn; converting it");
        }
        finally {
            pool.shutdownNow();
        }
    }

    /**
     * A file deleted while it is converted, its removal handled before the conversion commits (withdrawing nothing: no manifest
     * yet), and the conversion failing after its commit, before its look at the key: its sweep (here the DELETE of its
     * publishing marker) answers 500. The invocation fails, and Lambda retries the ObjectCreated event, which finds the key gone.
     * Answered {@code missing}, the committed rows would stay in silver, and gold, for a file no longer in bronze, with no event
     * left to withdraw them. The retry withdraws them, and says why in one line a person can read.
     */
    @Test
    void aConversionThatFailedAfterItsCommitIsWithdrawnByItsRetryWhenItsFileWasDeletedMeanwhile() throws Exception {
        SourceObject source = upload(KEY, csv(0, 3_000, BAD_ROW));
        S3Event created = S3Events.objectCreated(buckets.bronzeBucket(), buckets.bronze().stat(KEY).orElseThrow(), temporary);
        FaultProxy proxy = proxy();
        SilverConverterHandler handler = handlerThrough(proxy);
        ExecutionException failure = failAfterTheCommitWhileTheFileIsDeleted(handler, proxy, created,
                request -> request.method().equals("DELETE") && request.path().contains(buckets.silverBucket() + "/_publishing/"));
        assertTrue(failure.getCause().getMessage().contains("is committed"), failure.getCause().getMessage());
        assertEquals(Manifest.CONVERTED, manifest(KEY).status(), "the conversion committed before its sweep failed");
        assertEquals(source.etag(), manifest(KEY).source().etag());
        assertFalse(ExactlyOnce.parquetKeys(buckets.silver(), DATASET).isEmpty(), "its rows are in silver, the file no longer in bronze");
        String conversionRun = manifest(KEY).run();

        int retryLogStart = logLines.size();
        assertEquals(List.of("withdrawn s3://" + buckets.bronzeBucket() + "/" + KEY), handler.handleRequest(created, null), "Lambda's retry of the event");

        List<JsonNode> lines = objectLinesSince(retryLogStart);
        assertEquals(1, lines.size(), "one line for the retry: " + lines);
        JsonNode withdrawn = lines.get(0);
        assertEquals("source object withdrawn", withdrawn.path("message").asText(), withdrawn.toString());
        assertEquals(WithdrawalResult.WITHDRAWN, withdrawn.path("outcome").asText(), withdrawn.toString());
        assertEquals(3_000, withdrawn.path("rowsWithdrawn").asLong(), withdrawn.toString());
        assertEquals(1, withdrawn.path("quarantinedRowsWithdrawn").asLong(), withdrawn.toString());
        assertTrue(withdrawn.path("reason").asText().contains("ObjectCreated event found the key gone"), withdrawn.toString());
        assertEquals(Manifest.WITHDRAWN, manifest(KEY).status());
        assertEquals(source.etag(), manifest(KEY).source().etag(), "the version committed is the one withdrawn");
        assertEquals(List.of(), ExactlyOnce.parquetKeys(buckets.silver(), DATASET), "no part of the deleted file");
        assertEquals(List.of(), buckets.silver().list("_quarantine/"), "nor its quarantine file");
        // The conversion's marker, which its failed sweep left, stays while its run may still write it (SilverCommit.mayStillBeWritten):
        // the retry cannot tell a run that failed after its answered commit from one whose unanswered manifest write landed late.
        List<String> markers = buckets.silver().list("_publishing/");
        assertEquals(1, markers.size(), markers.toString());
        assertTrue(markers.get(0).endsWith("-" + conversionRun), "the conversion's: " + markers);
        assertFalse(new String(buckets.silver().read(markers.get(0)).orElseThrow(), StandardCharsets.UTF_8).strip().contains(" "),
                "as its run wrote it, not marked");
        assertEquals(List.of("missing s3://" + buckets.bronzeBucket() + "/" + KEY), handler.handleRequest(created, null),
                "the event delivered once more: already withdrawn, and the key still gone");
        assertEquals(WithdrawalResult.UNCHANGED, withdraw(converter(buckets.silver(), Clock.offset(Clock.systemUTC(),
                SilverCommit.PUBLISHING_BOUND.plusMinutes(1)))).outcome(), "the removal delivered once the run can no longer write its marker");
        assertEquals(List.of(), buckets.silver().list("_publishing/"), "nor the conversion's marker, once its run can no longer write it");
    }

    /**
     * As above, but the conversion reaches its look at the key, finds it gone and withdraws what it committed, and that withdrawal's
     * sweep fails (the DeleteObjects of the part and the quarantine file answers 500): the withdrawn manifest is committed, the
     * parts are still there for readers that ignore manifests. Lambda's retry of the ObjectCreated event, finding the key gone, must
     * finish that sweep, not answer {@code missing} and leave them until the key's next commit.
     */
    @Test
    void aConversionsWithdrawalWhoseSweepFailedIsSweptByTheRetryOfItsEvent() throws Exception {
        upload(KEY, csv(0, 3_000, BAD_ROW));
        S3Event created = S3Events.objectCreated(buckets.bronzeBucket(), buckets.bronze().stat(KEY).orElseThrow(), temporary);
        FaultProxy proxy = proxy();
        SilverConverterHandler handler = handlerThrough(proxy);
        ExecutionException failure = failAfterTheCommitWhileTheFileIsDeleted(handler, proxy, created,
                request -> request.method().equals("POST") && request.hasQueryParameter("delete") && request.path().contains(buckets.silverBucket()));
        assertTrue(failure.getCause().getMessage().contains("is committed"), failure.getCause().getMessage());
        assertEquals(Manifest.WITHDRAWN, manifest(KEY).status(), "the conversion withdrew what it committed, and its sweep failed");
        assertFalse(ExactlyOnce.parquetKeys(buckets.silver(), DATASET).isEmpty(), "the withdrawn part, unswept");

        int retryLogStart = logLines.size();
        assertEquals(List.of("missing s3://" + buckets.bronzeBucket() + "/" + KEY), handler.handleRequest(created, null), "Lambda's retry of the event");

        assertEquals(List.of(), ExactlyOnce.parquetKeys(buckets.silver(), DATASET), "the retry swept the withdrawn part");
        assertEquals(List.of(), buckets.silver().list("_quarantine/"), "and the quarantine file");
        assertEquals(2, manifest(KEY).generation(), "nothing committed again");
        List<JsonNode> lines = objectLinesSince(retryLogStart);
        assertEquals(1, lines.size(), "one line for the retry: " + lines);
        assertEquals("source object skipped: it no longer exists", lines.get(0).path("message").asText(), lines.toString());
        assertEquals("missing", lines.get(0).path("outcome").asText(), lines.toString());
        assertTrue(lines.get(0).path("reason").asText().contains("already withdrawn"), lines.toString());
    }

    /**
     * With {@code WITHDRAW_DELETED_FILES=false} a deleted file's rows stay: an ObjectCreated event that finds its key gone
     * answers {@code missing} and withdraws nothing, with one HEAD ({@code S3RequestPlanIT}).
     */
    @Test
    void withWithdrawalsOffAnEventThatFindsItsKeyGoneWithdrawsNothing() throws Exception {
        SourceObject source = upload(KEY, csv(0, 3_000, BAD_ROW));
        S3Event created = S3Events.objectCreated(buckets.bronzeBucket(), buckets.bronze().stat(KEY).orElseThrow(), temporary);
        convert(converter(buckets.silver()), source);
        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY));

        int logStart = logLines.size();
        assertEquals(List.of("missing s3://" + buckets.bronzeBucket() + "/" + KEY),
                handlerThrough(proxy(), Map.of("WITHDRAW_DELETED_FILES", "false")).handleRequest(created, null));
        List<JsonNode> lines = objectLinesSince(logStart);
        assertEquals(1, lines.size(), lines.toString());
        // As the converter's own line of a key gone: outcome, dataset, source, reason.
        assertEquals("missing", lines.get(0).path("outcome").asText(), lines.toString());
        assertEquals(DATASET, lines.get(0).path("dataset").asText(), lines.toString());
        assertTrue(lines.get(0).path("reason").asText().contains("WITHDRAW_DELETED_FILES false"), lines.toString());
        assertEquals(Manifest.CONVERTED, manifest(KEY).status());
        assertExactlyOnce(source, 3_000, 1);
    }

    /**
     * Converts {@link #KEY} with {@code handler}, holding its manifest write while the file is deleted from bronze and its removal
     * is handled (withdrawing nothing: no manifest yet), then lets the write through and answers 500 to every request
     * {@code failing} accepts: returns the invocation's failure.
     */
    private ExecutionException failAfterTheCommitWhileTheFileIsDeleted(SilverConverterHandler handler, FaultProxy proxy, S3Event created,
            Predicate<Request> failing) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Injection held = proxy.inject(WRITE_MANIFEST, Fault.hold(), 1);
            Future<List<String>> conversion = pool.submit(() -> handler.handleRequest(created, null));
            assertTrue(held.awaitHits(1, Duration.ofSeconds(30)), "the conversion read the file and reached its manifest write");
            S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY));
            assertEquals(WithdrawalResult.UNCHANGED, withdraw(converter(buckets.silver())).outcome(), "its removal, before the conversion commits");
            // Releases the held write (reset; the SDK sends it again), then fails what comes after it.
            proxy.clear();
            Injection failed = proxy.inject(failing, Fault.status(500), 1_000);
            ExecutionException failure = assertThrows(ExecutionException.class, () -> conversion.get(60, TimeUnit.SECONDS));
            assertTrue(failed.hits() > 0, "the fault was met");
            proxy.clear();
            return failure;
        }
        finally {
            pool.shutdownNow();
        }
    }

    /**
     * As above with {@code WITHDRAW_DELETED_FILES=false} (the stack's {@code silver_withdraws_deleted_files = false}, which
     * delivers no removal): a deleted file's rows stay, so the conversion keeps what it committed.
     */
    @Test
    void withWithdrawalsOffAFileDeletedWhileItIsConvertedKeepsItsRows() throws Exception {
        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + KEY), convertWhileTheFileIsDeleted(Map.of("WITHDRAW_DELETED_FILES", "false")));
        List<JsonNode> lines = objectLinesSince(conversionLogStart);
        assertEquals(1, lines.size(), "one line for the conversion's invocation: " + lines);
        assertEquals("source object processed", lines.get(0).path("message").asText(), lines.toString());
        assertEquals(Manifest.CONVERTED, lines.get(0).path("outcome").asText(), lines.toString());
        assertEquals(1, lines.get(0).path("rowsQuarantined").asLong(), "its rows stay, and are counted: " + lines);
        assertEquals(Manifest.CONVERTED, manifest(KEY).status());
        assertEquals(3_000, manifest(KEY).rowsWritten());
        assertEquals(manifest(KEY).parts().stream().map(part -> part.key()).sorted().toList(), ExactlyOnce.parquetKeys(buckets.silver(), DATASET));
    }

    /**
     * Converts {@link #KEY}, never converted before, through the handler (its environment plus {@code environment}), holding
     * its manifest write while the file is deleted from bronze and its removal is handled (withdrawing nothing: no manifest
     * yet); returns the handler's answer once the write is let through.
     */
    private List<String> convertWhileTheFileIsDeleted(Map<String, String> environment) throws Exception {
        return convertWhileTheFileIsDeleted(environment, csv(0, 3_000, BAD_ROW));
    }

    /** As {@link #convertWhileTheFileIsDeleted(Map)}, the file holding {@code content}. */
    private List<String> convertWhileTheFileIsDeleted(Map<String, String> environment, byte[] content) throws Exception {
        SourceObject source = upload(KEY, content);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            FaultProxy proxy = proxy();
            Injection held = proxy.inject(WRITE_MANIFEST, Fault.hold(), 1);
            SilverConverterHandler handler = handlerThrough(proxy, environment);
            S3Event created = S3Events.objectCreated(buckets.bronzeBucket(), buckets.bronze().stat(KEY).orElseThrow(), temporary);
            Future<List<String>> conversion = pool.submit(() -> handler.handleRequest(created, null));
            assertTrue(held.awaitHits(1, Duration.ofSeconds(30)), "the conversion read the file and reached its manifest write");

            S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY));
            assertEquals(WithdrawalResult.UNCHANGED, withdraw(converter(buckets.silver())).outcome(), "its removal, before the conversion commits");
            conversionLogStart = logLines.size();
            proxy.clear();
            List<String> outcome = conversion.get(60, TimeUnit.SECONDS);
            assertEquals(source.etag(), manifest(KEY).source().etag());
            return outcome;
        }
        finally {
            pool.shutdownNow();
        }
    }

    /**
     * Undoing a deletion (docs/silver-converter.md, "Undoing a deletion"): deleting the delete marker a plain DELETE left makes
     * the old version current again, and S3 tells it as {@code ObjectRemoved:Delete}, not as an ObjectCreated event. The
     * removal finds the key's manifest withdrawn and the key present again, looks again and converts it: its rows are back,
     * each once, with no upload and no reconversion. A redelivery of that event then finds the file converted and present.
     */
    @Test
    void deletingTheDeleteMarkerBringsTheFilesRowsBack() throws Exception {
        convert(converter(buckets.silver()), upload(KEY, csv(0, 3_000, BAD_ROW)));
        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY));
        SilverConverterHandler handler = handlerThrough(proxy());
        assertEquals(List.of("withdrawn s3://" + buckets.bronzeBucket() + "/" + KEY), handler.handleRequest(removal(), null));
        assertEquals(List.of(), ExactlyOnce.parquetKeys(buckets.silver(), DATASET), "withdrawn");

        String marker = S3.client().listObjectVersions(request -> request.bucket(buckets.bronzeBucket()).prefix(KEY)).deleteMarkers().stream()
                .filter(deleteMarker -> deleteMarker.key().equals(KEY) && deleteMarker.isLatest())
                .findFirst().orElseThrow().versionId();
        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY).versionId(marker));
        S3Event markerDeleted = S3Events.objectRemoved(buckets.bronzeBucket(), KEY, "ObjectRemoved:Delete", marker, temporary);

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + KEY), handler.handleRequest(markerDeleted, null));
        assertEquals(Manifest.CONVERTED, manifest(KEY).status());
        assertExactlyOnce(current(KEY), 3_000, 1);
        assertEquals(List.of("present s3://" + buckets.bronzeBucket() + "/" + KEY), handler.handleRequest(markerDeleted, null), "redelivered");
        assertExactlyOnce(current(KEY), 3_000, 1);
    }

    /**
     * Restoring a previous version by deleting the current one ("Restoring previous versions", S3 User Guide: "When you delete
     * the current object version, you, in effect, turn the previous version into the current version of that object"). S3 tells
     * it as {@code ObjectRemoved:Delete} and sends no ObjectCreated event for the version made current: the removal finds the
     * key present, and its manifest records the deleted version, not the one bronze now holds. Answered {@code present}, silver
     * would keep the deleted version's rows for good and never hold the current version's. The removal converts the current
     * version, each row once; a redelivery then finds it converted and present.
     */
    @Test
    void deletingTheCurrentVersionConvertsThePreviousVersionItMakesCurrent() throws Exception {
        SourceObject previous = upload(KEY, csv(0, 100, ""));
        convert(converter(buckets.silver()), previous);
        convert(converter(buckets.silver()), upload(KEY, csv(0, 3_000, BAD_ROW)));
        String currentVersion = S3.client().headObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY)).versionId();

        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY).versionId(currentVersion));
        S3Event versionDeleted = S3Events.objectRemoved(buckets.bronzeBucket(), KEY, "ObjectRemoved:Delete", currentVersion, temporary);
        SilverConverterHandler handler = handlerThrough(proxy());

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + KEY), handler.handleRequest(versionDeleted, null));
        assertEquals(previous.etag(), current(KEY).etag(), "bronze holds the previous version again");
        assertExactlyOnce(current(KEY), 100, 0);
        assertTheOneLineNamesItsDataset("source object removal: the key holds a version its manifest does not record");
        assertEquals(List.of("present s3://" + buckets.bronzeBucket() + "/" + KEY), handler.handleRequest(versionDeleted, null), "redelivered");
        assertExactlyOnce(current(KEY), 100, 0);
    }

    /**
     * The other way to undo a deletion: copying the old version over the key ({@code copy-object --copy-source K?versionId=...}),
     * an {@code ObjectCreated:Copy} event like any upload. The copy has the withdrawn version's bytes and ETag, and the
     * withdrawn manifest records no conversion of them: converted, each row once.
     */
    @Test
    void copyingTheOldVersionOverTheKeyBringsTheFilesRowsBack() throws Exception {
        convert(converter(buckets.silver()), upload(KEY, csv(0, 3_000, BAD_ROW)));
        String oldVersion = S3.client().headObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY)).versionId();
        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY));
        SilverConverterHandler handler = handlerThrough(proxy());
        assertEquals(List.of("withdrawn s3://" + buckets.bronzeBucket() + "/" + KEY), handler.handleRequest(removal(), null));

        // S3 copies a version over its own key as it is ("Restoring previous versions", S3 User Guide); LocalStack 4.14
        // refuses that copy unless the metadata is replaced, so the test replaces it with the version's own.
        HeadObjectResponse old = S3.client().headObject(request -> request.bucket(buckets.bronzeBucket()).key(KEY).versionId(oldVersion));
        S3.client().copyObject(request -> request.sourceBucket(buckets.bronzeBucket()).sourceKey(KEY).sourceVersionId(oldVersion)
                .destinationBucket(buckets.bronzeBucket()).destinationKey(KEY).metadataDirective(MetadataDirective.REPLACE)
                .contentType(old.contentType()).metadata(old.metadata()));
        S3Event copied = S3Events.objectCreated(buckets.bronzeBucket(), buckets.bronze().stat(KEY).orElseThrow(), temporary);

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + KEY), handler.handleRequest(copied, null));
        assertExactlyOnce(current(KEY), 3_000, 1);
    }

    // --- helpers ------------------------------------------------------------------------------------

    /** The Lambda handler, its S3 requests (bronze and silver) through {@code proxy}. */
    private SilverConverterHandler handlerThrough(FaultProxy proxy) {
        return handlerThrough(proxy, Map.of());
    }

    /** As {@link #handlerThrough(FaultProxy)}, its environment holding {@code environment} too. */
    private SilverConverterHandler handlerThrough(FaultProxy proxy, Map<String, String> environment) {
        S3Client client = S3.clientThrough(proxy.endpoint());
        clients.add(client);
        Map<String, String> variables = new HashMap<>(environment);
        variables.put("SILVER_BUCKET", buckets.silverBucket());
        variables.put("CHUNK_ROWS", String.valueOf(LIMITS.chunkRows()));
        return new SilverConverterHandler(new Environment(variables), client, new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8),
                Clock.systemUTC()));
    }

    /** The event S3 sends for a plain DELETE of {@link #KEY} in the versioned bucket. */
    private S3Event removal() throws IOException {
        return S3Events.objectRemoved(buckets.bronzeBucket(), KEY, "ObjectRemoved:DeleteMarkerCreated", "deletemarkerversion", temporary);
    }

    private FaultProxy proxy() throws IOException {
        FaultProxy proxy = FaultProxy.start(S3.endpoint());
        proxies.add(proxy);
        return proxy;
    }

    private S3ObjectStore silverThrough(FaultProxy proxy) {
        S3Client client = S3.clientThrough(proxy.endpoint());
        clients.add(client);
        return new S3ObjectStore(client, buckets.silverBucket());
    }

    private SilverConverter converter(S3ObjectStore store) {
        return converter(store, Clock.systemUTC());
    }

    private SilverConverter converter(S3ObjectStore store, Clock clock) {
        return new SilverConverter(store, LAYOUT, LIMITS, CsvOverrides.none(),
                new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), clock), clock);
    }

    private ConversionResult convert(SilverConverter converter, SourceObject source) throws IOException {
        return converter.convert(source, DATASET, () -> buckets.bronze().open(source.key(), Optional.of(source.etag())));
    }

    /** What the handler does for a removal of {@link #KEY}: its presence is a HEAD of the bronze key. */
    private WithdrawalResult withdraw(SilverConverter converter) throws IOException {
        return converter.withdraw(buckets.bronzeBucket(), KEY, DATASET, () -> buckets.bronze().stat(KEY).isPresent());
    }

    private SourceObject upload(String key, byte[] content) throws IOException {
        buckets.bronze().put(key, content);
        ObjectInfo info = buckets.bronze().stat(key).orElseThrow();
        return new SourceObject(buckets.bronzeBucket(), key, info.etag(), info.size(), info.lastModified());
    }

    /** The object {@code key} holds now in bronze, as a conversion of it records it. */
    private SourceObject current(String key) throws IOException {
        ObjectInfo info = buckets.bronze().stat(key).orElseThrow();
        return new SourceObject(buckets.bronzeBucket(), key, info.etag(), info.size(), info.lastModified());
    }

    private Manifest manifest(String key) throws IOException {
        return new ManifestStore(buckets.silver()).read(LAYOUT.manifestKey(DATASET, key)).orElseThrow();
    }

    /** {@code rows} rows whose ids start at {@code firstId}, then {@code extra} verbatim. */
    private static byte[] csv(long firstId, int rows, String extra) {
        StringBuilder csv = new StringBuilder("id,label\n");
        for (long id = firstId; id < firstId + rows; id++) {
            csv.append(id).append(",row ").append(id).append('\n');
        }
        return csv.append(extra).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The JSON lines logged from {@code start} of {@link #logLines} that tell what became of a source object ({@code "source object ..."}). */
    private List<JsonNode> objectLinesSince(int start) throws IOException {
        String text = new String(logLines.toByteArray(), start, logLines.size() - start, StandardCharsets.UTF_8);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.lines().filter(line -> line.startsWith("{")).toList()) {
            JsonNode parsed = JSON.readTree(line);
            if (parsed.path("message").asText().startsWith("source object ")) {
                lines.add(parsed);
            }
        }
        return lines;
    }

    /**
     * The one line so far whose message starts with {@code message}, a line of a file converted again, names {@link #KEY} and its
     * dataset, as every other line of a source object does, so a filter on dataset finds it.
     */
    private void assertTheOneLineNamesItsDataset(String message) throws IOException {
        List<JsonNode> lines = objectLinesSince(0).stream().filter(line -> line.path("message").asText().startsWith(message)).toList();
        assertEquals(1, lines.size(), "one line of " + message + ": " + lines);
        assertEquals("s3://" + buckets.bronzeBucket() + "/" + KEY, lines.get(0).path("source").asText(), lines.get(0).toString());
        assertEquals(DATASET, lines.get(0).path("dataset").asText(), lines.get(0).toString());
    }

    /** The ids of every Parquet object of the dataset, as a reader that ignores manifests reads them, sorted. */
    private List<Long> idsOfEveryPart() throws IOException {
        List<Long> ids = new ArrayList<>();
        for (String key : ExactlyOnce.parquetKeys(buckets.silver(), DATASET)) {
            Path local = Files.createTempFile(temporary, "read-back-", ".parquet");
            Files.write(local, buckets.silver().read(key).orElseThrow());
            for (GenericRecord row : ParquetTestFiles.readAll(local)) {
                ids.add((Long) row.get("id"));
            }
        }
        ids.sort(null);
        return ids;
    }

    private void assertExactlyOnce(SourceObject source, int validRows, int quarantinedRows) throws IOException {
        ExactlyOnce.assertExactlyOnce(buckets.silver(), LAYOUT, DATASET, source, validRows, quarantinedRows, temporary, Instant.now());
    }
}
