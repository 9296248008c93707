package dev.medallion.silver.lambda;

import dev.medallion.common.config.Environment;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.sample.RetailTransactionsGenerator;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Request;
import dev.medallion.common.testing.S3Emulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The S3 requests one source object costs, counted on the wire ({@link FaultProxy} records every request
 * the handler's client sends) and grouped as S3 bills them: PUT, COPY, POST and LIST requests at one price
 * ($0.005 per 1,000), GET and HEAD at another ($0.0004), DELETE free. The cost model (docs/cost-model.md,
 * "Per unit of work") is built from these counts; this test fails when the converter's request plan changes,
 * so the document changes with it.
 */
class S3RequestPlanIT {
    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    @TempDir
    Path temporary;

    private FaultProxy proxy;
    private S3Client counted;
    private String bronzeBucket;
    private String silverBucket;
    private S3ObjectStore bronze;

    /** How S3 prices a request (Amazon S3 pricing, "Requests & data retrievals"). */
    record Bill(int writeClass, int readClass, int free) {
        static Bill of(List<Request> requests) {
            int write = 0;
            int read = 0;
            int free = 0;
            for (Request request : requests) {
                switch (request.method()) {
                    case "PUT", "POST" -> write++;
                    case "GET" -> {
                        if (request.hasQueryParameter("list-type") || request.hasQueryParameter("uploads")) {
                            write++; // ListObjectsV2, ListMultipartUploads: LIST requests
                        }
                        else {
                            read++;
                        }
                    }
                    case "HEAD" -> read++;
                    case "DELETE" -> free++;
                    default -> throw new AssertionError("unexpected request " + request.method() + " " + request.target());
                }
            }
            return new Bill(write, read, free);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        bronzeBucket = S3.createBucket("bronze");
        silverBucket = S3.createBucket("silver");
        bronze = new S3ObjectStore(S3.client(), bronzeBucket);
        proxy = FaultProxy.start(S3.endpoint());
        counted = S3.clientThrough(proxy.endpoint());
    }

    /** As CommitFaultFixture: a count taken through a proxy that itself failed (a request it could not parse or forward) counts nothing true. */
    @AfterEach
    void tearDown() {
        counted.close();
        try {
            assertEquals(List.of(), proxy.failures(), "the proxy itself worked");
        }
        finally {
            proxy.close();
        }
    }

    @Test
    void requestsPerSourceObject() throws IOException {
        SilverConverterHandler handler = new SilverConverterHandler(
                new Environment(Map.of("SILVER_BUCKET", silverBucket, "CHUNK_ROWS", "2000", "PART_TARGET_BYTES", "1")),
                counted, new JsonLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC()));

        Bill firstOfDataset = convert(handler, "sales/first.csv", 1_000);
        Bill next = convert(handler, "sales/second.csv", 1_000);
        Bill redelivered = redeliver(handler, "sales/second.csv");
        Bill threeParts = convert(handler, "sales/third.csv", 6_000);

        System.out.println("S3 requests per source object: first of its dataset " + firstOfDataset + ", next " + next
                + ", redelivered " + redelivered + ", three parts " + threeParts);
        assertEquals(conversion(1, true), firstOfDataset, "a dataset's first object also writes its schema contract");
        assertEquals(conversion(1, false), next);
        assertEquals(new Bill(3, 3, 0), redelivered, "HEAD source, GET manifest, GET schema contract (converted in the one in force?), and the"
                + " sweep's three LISTs");
        assertEquals(conversion(3, false), threeParts);
    }

    /**
     * An ObjectCreated event whose key is gone (the file deleted before its event was handled) and never converted: with
     * withdrawals on, the HEAD of the source (a 404) and the GET of its manifest (a 404), since a key gone with a manifest of a
     * conversion must have it withdrawn (docs/silver-converter.md, "A deletion racing the file's conversion"); with
     * {@code WITHDRAW_DELETED_FILES=false}, the HEAD alone.
     */
    @Test
    void requestsForAKeyDeletedBeforeItsEventWasHandled() throws IOException {
        bronze.put("sales/gone.csv", "id\n1\n".getBytes(StandardCharsets.UTF_8));
        var created = S3Events.objectCreated(bronzeBucket, bronze.stat("sales/gone.csv").orElseThrow(), temporary);
        bronze.delete(List.of("sales/gone.csv"));
        JsonLog quiet = new JsonLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC());

        int before = proxy.requests().size();
        assertEquals(List.of("missing s3://" + bronzeBucket + "/sales/gone.csv"),
                new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", silverBucket)), counted, quiet).handleRequest(created, null));
        Bill withdrawalsOn = Bill.of(proxy.requests().subList(before, proxy.requests().size()));
        before = proxy.requests().size();
        new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", silverBucket, "WITHDRAW_DELETED_FILES", "false")), counted, quiet)
                .handleRequest(created, null);
        Bill withdrawalsOff = Bill.of(proxy.requests().subList(before, proxy.requests().size()));

        assertEquals(new Bill(0, 2, 0), withdrawalsOn, "HEAD source (404), GET manifest (404): nothing of it was committed");
        assertEquals(new Bill(0, 1, 0), withdrawalsOff, "HEAD source (404)");
    }

    /**
     * The plan docs/cost-model.md states for a conversion whose Parquet parts are each below one upload part
     * (8 MiB; each further 8 MiB adds one PUT) and that quarantines nothing (a quarantine file adds three
     * writes, as a part does): reads HEAD source, GET manifest (absent), GET source, GET schema contract,
     * GET schema contract again before the catalog and commit (changed during the conversion?), and after the
     * commit HEAD source again (has it changed meanwhile?);
     * writes PUT publishing marker, per part CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
     * then PUT manifest and the sweep's three LISTs (publishing markers, parts, quarantine), plus PUT schema
     * contract for a dataset's first object; and the sweep's DELETE of the run's marker, free.
     */
    private static Bill conversion(int parts, boolean firstOfDataset) {
        return new Bill(3 * parts + 5 + (firstOfDataset ? 1 : 0), 6, 1);
    }

    private Bill convert(SilverConverterHandler handler, String key, int rows) throws IOException {
        StringWriter csv = new StringWriter();
        new RetailTransactionsGenerator(key.hashCode()).write(rows, csv);
        bronze.put(key, csv.toString().getBytes(StandardCharsets.UTF_8));
        return redeliver(handler, key);
    }

    private Bill redeliver(SilverConverterHandler handler, String key) throws IOException {
        int before = proxy.requests().size();
        handler.handleRequest(S3Events.objectCreated(bronzeBucket, bronze.stat(key).orElseThrow(), temporary), null);
        List<Request> requests = proxy.requests();
        return Bill.of(requests.subList(before, requests.size()));
    }
}
