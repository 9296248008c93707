package dev.medallion.silver.lambda;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import dev.medallion.common.config.Environment;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.testing.S3Emulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.glue.model.CrawlerState;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The converter starts the silver crawler after committing new data, against moto's Glue: a crawl
 * starts, a crawl already running is no error, and nothing (neither a missing crawler nor an unchanged
 * object) fails a conversion or starts a crawl for nothing. moto is told to keep crawls RUNNING, as a
 * real crawl is for a minute or more.
 */
class SilverCrawlerIT {
    @RegisterExtension
    static final S3Emulator AWS = S3Emulator.moto();

    @TempDir
    Path temporary;

    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();
    private String bronzeBucket;
    private String silverBucket;
    private String crawler;

    @BeforeAll
    static void crawlsKeepRunning() throws IOException {
        AWS.motoApi("/moto-api/state-manager/set-transition",
                "{\"model_name\": \"glue::crawl\", \"transition\": {\"progression\": \"manual\", \"times\": 1000000}}");
    }

    @BeforeEach
    void createBucketsAndCrawler() {
        bronzeBucket = AWS.createBucket("bronze");
        silverBucket = AWS.createBucket("silver");
        crawler = "silver-" + UUID.randomUUID().toString().substring(0, 8);
        AWS.glue().createCrawler(request -> request
                .name(crawler)
                .role("arn:aws:iam::123456789012:role/crawler")
                .databaseName("lake_silver")
                .targets(targets -> targets.s3Targets(target -> target.path("s3://" + silverBucket + "/"))));
    }

    @Test
    void convertingNewDataStartsTheCrawlerOnceAndARunningCrawlIsNoError() throws IOException {
        put("sales/a.csv", "id,amount\n1,2.5\n");
        put("sales/b.csv", "id,amount\n2,3.5\n");
        S3Event both = event("sales/a.csv");
        both.getRecords().add(event("sales/b.csv").getRecords().get(0));

        List<String> outcomes = handler(crawler).handleRequest(both, null);

        assertEquals(List.of("converted s3://" + bronzeBucket + "/sales/a.csv", "converted s3://" + bronzeBucket + "/sales/b.csv"), outcomes);
        assertEquals(CrawlerState.RUNNING, AWS.glue().getCrawler(request -> request.name(crawler)).crawler().state());
        assertEquals(1, crawls(), "one start for the whole event");
        assertTrue(log().contains("\"message\":\"silver crawler started\",\"crawler\":\"" + crawler + "\",\"convertedObjects\":2"), log());

        // The crawl is still running when the next file arrives: Glue refuses a second start, which is fine.
        put("sales/c.csv", "id,amount\n3,4.5\n");
        outcomes = handler(crawler).handleRequest(event("sales/c.csv"), null);

        assertEquals(List.of("converted s3://" + bronzeBucket + "/sales/c.csv"), outcomes);
        assertEquals(1, crawls());
        assertTrue(log().contains("silver crawler already running"), log());
        assertTrue(!log().contains("\"level\":\"WARN\"") && !log().contains("\"level\":\"ERROR\""), log());
    }

    @Test
    void anObjectConvertedBeforeIsNoReasonToCrawl() throws IOException {
        put("sales/a.csv", "id,amount\n1,2.5\n");
        handler(null).handleRequest(event("sales/a.csv"), null);

        List<String> outcomes = handler(crawler).handleRequest(event("sales/a.csv"), null);

        assertEquals(List.of("unchanged s3://" + bronzeBucket + "/sales/a.csv"), outcomes);
        assertEquals(0, crawls());
    }

    @Test
    void aCrawlerThatCannotBeStartedIsAWarningAndTheConversionStands() throws IOException {
        put("sales/a.csv", "id,amount\n1,2.5\n");

        List<String> outcomes = handler(crawler + "-missing").handleRequest(event("sales/a.csv"), null);

        assertEquals(List.of("converted s3://" + bronzeBucket + "/sales/a.csv"), outcomes);
        assertTrue(log().contains("\"level\":\"WARN\",\"message\":\"could not start the silver crawler"), log());
        assertTrue(log().contains(crawler + "-missing"), log());
        assertEquals(1, new S3ObjectStore(AWS.client(), silverBucket).list("_manifests/sales/").size());
    }

    @Test
    void aFailedObjectStillLetsTheConvertedOnesBeCrawledBeforeTheInvocationFails() throws IOException {
        put("sales/a.csv", "id,amount\n1,2.5\n");
        put("orders/b.csv", "id,amount\n2,3.5\n");
        // A contract someone damaged: converting into that dataset fails until a person repairs it.
        new S3ObjectStore(AWS.client(), silverBucket).put("_schemas/orders.json", "{\"dataset\": ".getBytes(StandardCharsets.UTF_8));
        S3Event event = event("sales/a.csv");
        event.getRecords().add(event("orders/b.csv").getRecords().get(0));

        SilverConversionException failure = assertThrows(SilverConversionException.class, () -> handler(crawler).handleRequest(event, null));

        assertTrue(failure.getMessage().contains("orders/b.csv"), failure.getMessage());
        assertEquals(1, crawls(), "sales/a.csv was committed, so the crawler was started before the invocation failed");
        assertTrue(log().contains("\"convertedObjects\":1"), log());
    }

    @Test
    void withoutACrawlerNameNoGlueClientIsEvenBuilt() throws IOException {
        put("sales/a.csv", "id,amount\n1,2.5\n");
        SilverConverterHandler handler = new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", silverBucket)), AWS.client(),
                () -> {
                    throw new AssertionError("no crawler is configured: Glue must not be needed");
                }, jsonLog());

        assertEquals(List.of("converted s3://" + bronzeBucket + "/sales/a.csv"), handler.handleRequest(event("sales/a.csv"), null));
    }

    private SilverConverterHandler handler(String crawlerName) {
        Map<String, String> variables = crawlerName == null
                ? Map.of("SILVER_BUCKET", silverBucket)
                : Map.of("SILVER_BUCKET", silverBucket, "SILVER_CRAWLER_NAME", crawlerName);
        return new SilverConverterHandler(new Environment(variables), AWS.client(), AWS::glue, jsonLog());
    }

    private int crawls() {
        return AWS.glue().listCrawls(request -> request.crawlerName(crawler)).crawls().size();
    }

    private void put(String key, String csv) throws IOException {
        new S3ObjectStore(AWS.client(), bronzeBucket).put(key, csv.getBytes(StandardCharsets.UTF_8));
    }

    private S3Event event(String key) throws IOException {
        ObjectInfo info = new S3ObjectStore(AWS.client(), bronzeBucket).stat(key).orElseThrow();
        return S3Events.objectCreated(bronzeBucket, info, temporary);
    }

    private JsonLog jsonLog() {
        return new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    private String log() {
        return logLines.toString(StandardCharsets.UTF_8);
    }
}
