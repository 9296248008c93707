package dev.medallion.gold.lambda;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoldRequestTest {
    /** The event Lambda's SQS event source mapping sends, as the runtime deserialises it: a test event and a commit. */
    static Map<String, Object> sqsEvent() throws IOException {
        try (InputStream in = GoldRequestTest.class.getResourceAsStream("/events/sqs-silver-commits.json")) {
            return new ObjectMapper().readValue(in, new TypeReference<>() {});
        }
    }

    @Test
    void anSqsBatchOfSilverCommitsBuildsEveryModelAndCountsItsCommits() throws IOException {
        GoldRequest request = GoldRequest.parse(sqsEvent());

        assertEquals(Optional.empty(), request.models());
        assertFalse(request.force());
        assertEquals(Optional.empty(), request.ignored());
        assertEquals("queue arn:aws:sqs:eu-west-1:123456789012:medallion-dev-gold-triggers", request.trigger());
        GoldRequest.SqsBatch batch = request.batch().orElseThrow();
        assertEquals(List.of("19dd0b57-b21e-4ac1-bd88-01bbb068cb78", "2e1424d4-f796-459a-8184-9c92662be6da"), batch.messageIds());
        assertEquals(List.of("_manifests/sales/sales_2026_03-5f6ee5d354.json"), batch.commits());
        assertEquals(1, batch.testEvents(), "S3's test event, sent when the notification is configured");
        assertEquals(List.of(), batch.unreadable());
    }

    @Test
    void aDataPartRemovedBySilversSweepIsAChangeToBuildAsACommitIs() throws IOException {
        Map<String, Object> event = sqsEvent();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records = (List<Map<String, Object>>) event.get("Records");
        String part = "sales/ingest_date=2026-03-14/sales_2026_03-5f6ee5d354-0123456789abcdef0123456789abcdef-g1-r1-part-00001.parquet";
        // What S3 sends for a deletion: no size and no ETag.
        records.get(1).put("body", String.valueOf(records.get(1).get("body"))
                .replace("ObjectCreated:Put", "ObjectRemoved:Delete").replace("silver-commits-to-gold", "silver-swept-parts-to-gold")
                .replace("\"key\":\"_manifests/sales/sales_2026_03-5f6ee5d354.json\",\"size\":2841,\"eTag\":\"0123456789abcdef0123456789abcdef\",",
                        "\"key\":\"" + part + "\","));

        GoldRequest.SqsBatch batch = GoldRequest.parse(event).batch().orElseThrow();

        assertEquals(List.of(part), batch.commits());
        assertEquals(List.of(), batch.unreadable());
    }

    @Test
    void aBatchOfNothingButTestEventsIsIgnoredAndUnreadableMessagesAreNamed() throws IOException {
        Map<String, Object> event = sqsEvent();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records = (List<Map<String, Object>>) event.get("Records");
        records.get(1).put("body", "{\"Records\": [{\"eventSource\": \"aws:sns\"}]}");
        Map<String, Object> notJson = new HashMap<>(records.get(1));
        notJson.put("messageId", "m-3");
        notJson.put("body", "hello");
        records.add(notJson);

        GoldRequest request = GoldRequest.parse(event);

        assertTrue(request.ignored().orElseThrow().contains("no silver commit"), request.toString());
        GoldRequest.SqsBatch batch = request.batch().orElseThrow();
        assertEquals(List.of("2e1424d4-f796-459a-8184-9c92662be6da", "m-3"), batch.unreadableIds());
        assertTrue(batch.unreadable().get(1).contains("not JSON"), batch.unreadable().toString());
    }

    @Test
    void aManifestKeyIsUrlDecodedAsS3EncodesIt() {
        String body = "{\"Records\":[{\"eventSource\":\"aws:s3\",\"s3\":{\"object\":{\"key\":\"_manifests/sales/m%C3%A4rz+2026-0a1b2c3d4e.json\"}}}]}";
        GoldRequest request = GoldRequest.parse(Map.of("Records", List.of(Map.of("eventSource", "aws:sqs", "messageId", "m-1", "body", body))));

        assertEquals(List.of("_manifests/sales/m\u00e4rz 2026-0a1b2c3d4e.json"), request.batch().orElseThrow().commits());
    }

    @Test
    void recordsFromAnythingButSqsAreRefused() {
        IllegalArgumentException s3 = assertThrows(IllegalArgumentException.class,
                () -> GoldRequest.parse(Map.of("Records", List.of(Map.of("eventSource", "aws:s3", "s3", Map.of())))));
        assertTrue(s3.getMessage().contains("aws:sqs"), s3.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GoldRequest.parse(Map.of("Records", "nothing")));
    }

    @Test
    void theCrawlerStateChangeNoLongerTriggersABuild() {
        IllegalArgumentException crawl = assertThrows(IllegalArgumentException.class, () -> GoldRequest.parse(Map.of(
                "detail-type", "Glue Crawler State Change",
                "source", "aws.glue",
                "detail", Map.of("crawlerName", "medallion-dev-silver", "state", "Succeeded"))));
        assertTrue(crawl.getMessage().contains("Glue Crawler State Change") && crawl.getMessage().contains("SQS"), crawl.getMessage());
    }

    @Test
    void aScheduleBuildsEveryModel() {
        GoldRequest request = GoldRequest.parse(Map.of("detail-type", "Scheduled Event", "source", "aws.events",
                "resources", List.of("arn:aws:events:eu-west-1:123456789012:rule/gold-nightly")));

        assertEquals(Optional.empty(), request.models());
        assertTrue(request.trigger().contains("gold-nightly"), request.trigger());
        assertTrue(request.scheduled());
        assertFalse(GoldRequest.parse(Map.of()).scheduled(), "a direct invocation");
    }

    @Test
    void aDirectInvocationNamesModelsAndMayForceThem() {
        GoldRequest request = GoldRequest.parse(Map.of("models", List.of("daily_sales", "top_products"), "force", true));

        assertEquals(Optional.of(List.of("daily_sales", "top_products")), request.models());
        assertTrue(request.force());
        assertEquals(Optional.empty(), GoldRequest.parse(Map.of()).models(), "{} builds every model");
        // An empty list is most likely an empty variable in a script: with force it would rebuild everything.
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> GoldRequest.parse(Map.of("models", List.of(), "force", true)));
        assertTrue(empty.getMessage().contains("leave \"models\" out to build them all"), empty.getMessage());
        assertEquals(Optional.of(List.of("top_products", "daily_sales")), GoldRequest.parse(Map.of("models", List.of("top_products", "daily_sales", "top_products"))).models(),
                "a model named twice is built once");
    }

    /** A null "models" is most likely an unset variable in a script: taken for "all", with force it would rebuild everything. */
    @Test
    void aModelsKeyWithANullValueIsRefusedNotTakenForAll() {
        Map<String, Object> event = new HashMap<>();
        event.put("models", null);
        event.put("force", true);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> GoldRequest.parse(event));

        assertEquals("\"models\" is null: name at least one model, as [\"name\", ...], or leave \"models\" out to build them all", refused.getMessage());
        Map<String, Object> nullForce = new HashMap<>();
        nullForce.put("force", null);
        assertEquals("\"force\" must be true or false, got null", assertThrows(IllegalArgumentException.class, () -> GoldRequest.parse(nullForce)).getMessage());
    }

    /** A key URLDecoder would have made U+FFFD of (a key no object has, the message then taken as read), or could not decode. */
    @ParameterizedTest
    @CsvSource({"_manifests/sales/caf%E9.json, does not decode to UTF-8", "_manifests/sales/100%.json, is not URL-encoded as S3 encodes keys"})
    void aKeyThatIsNotUrlEncodedUtf8IsOneUnreadableMessageNotAFailedBatch(String key, String why) throws IOException {
        Map<String, Object> event = sqsEvent();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records = new ArrayList<>((List<Map<String, Object>>) event.get("Records"));
        Map<String, Object> bad = new HashMap<>(records.get(1));
        bad.put("messageId", "bad-1");
        bad.put("body", "{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventTime\":\"2026-03-14T23:29:58.120Z\","
                + "\"s3\":{\"object\":{\"key\":\"" + key + "\"}}}]}");
        records.add(bad);
        Map<String, Object> withBad = new HashMap<>(event);
        withBad.put("Records", records);

        GoldRequest.SqsBatch batch = GoldRequest.parse(withBad).batch().orElseThrow();

        assertEquals(List.of("bad-1"), batch.unreadableIds());
        assertTrue(batch.unreadable().toString().contains(key + " " + why), batch.unreadable().toString());
    }

    /**
     * A damaged body is one unreadable message, naming what is wrong, for the dead-letter queue: read leniently, each was
     * taken for a commit (a number for the key read as its digits, the second of two keys or of two {@code Records}
     * taken, text after the notification ignored), the message acknowledged and no person told.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"Records\":[{\"eventSource\":\"aws:s3\",\"s3\":{\"object\":{\"key\":20260314}}}]}|Records[0].s3.object.key is a number",
            "{\"Records\":[{\"eventSource\":\"aws:s3\",\"s3\":{\"object\":{\"key\":true}}}]}|Records[0].s3.object.key is a boolean",
            "{\"Records\":[{\"eventSource\":\"aws:s3\",\"s3\":{\"object\":{\"key\":\"_manifests/a.json\",\"key\":\"_manifests/b.json\"}}}]}|Duplicate field 'key'",
            "{\"Records\":[],\"Records\":[{\"eventSource\":\"aws:s3\",\"s3\":{\"object\":{\"key\":\"_manifests/a.json\"}}}]}|Duplicate field 'Records'",
            "{\"Records\":[{\"eventSource\":\"aws:s3\",\"s3\":{\"object\":{\"key\":\"_manifests/a.json\"}}}]} {\"Records\":[]}|Trailing token",
            "{\"Records\":[{\"eventSource\":\"aws:s3\",\"s3\":{\"object\":{\"key\":\"_manifests/a.json\"}}}]}]|Unexpected close marker"})
    void aDamagedNotificationIsOneUnreadableMessageNamingWhatIsWrongNotACommit(String body, String why) {
        GoldRequest.SqsBatch batch = GoldRequest.parse(sqsEventOf("damaged-1", body)).batch().orElseThrow();

        assertEquals(List.of(), batch.commits(), batch.toString());
        assertEquals(List.of("damaged-1"), batch.unreadableIds());
        assertTrue(batch.unreadable().get(0).contains(why), batch.unreadable().toString());
    }

    /** A field this builder does not know (a newer S3 notification's, or a newer sender's during a deploy) is passed over. */
    @Test
    void aNotificationWithFieldsThisBuilderDoesNotKnowIsStillACommit() {
        String body = "{\"Records\":[{\"eventVersion\":\"9.9\",\"eventSource\":\"aws:s3\",\"newField\":{\"x\":[1,2.5,null]},"
                + "\"s3\":{\"object\":{\"key\":\"_manifests/sales/a.json\",\"checksum\":\"abc\"}}}],\"another\":1}";

        GoldRequest.SqsBatch batch = GoldRequest.parse(sqsEventOf("newer-1", body)).batch().orElseThrow();

        assertEquals(List.of("_manifests/sales/a.json"), batch.commits());
        assertEquals(List.of(), batch.unreadable());
    }

    private static Map<String, Object> sqsEventOf(String messageId, String body) {
        return Map.of("Records", List.of(Map.of("messageId", messageId, "eventSource", "aws:sqs", "body", body)));
    }

    @Test
    void malformedRequestsAreRefusedWithWhatIsAccepted() {
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class, () -> GoldRequest.parse(Map.of("model", List.of("daily_sales"))));
        assertTrue(typo.getMessage().contains("[model]") && typo.getMessage().contains("\"models\""), typo.getMessage());

        assertThrows(IllegalArgumentException.class, () -> GoldRequest.parse(Map.of("models", "daily_sales")));
        assertThrows(IllegalArgumentException.class, () -> GoldRequest.parse(Map.of("models", List.of(1))));
        assertThrows(IllegalArgumentException.class, () -> GoldRequest.parse(Map.of("force", "yes")));

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> GoldRequest.parse(Map.of("detail-type", "Object Created", "source", "aws.s3")));
        assertTrue(other.getMessage().contains("Object Created") && other.getMessage().contains("aws.s3"), other.getMessage());
    }
}
