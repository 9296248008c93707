package dev.medallion.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gaps of moto 5.2.1 that {@code terraform/rehearse-on-moto.py} fills, each shown on the patched server by
 * the SDK calls that met it, without Terraform: faster than {@link DeployRehearsalIT}, which meets them
 * only inside a whole rehearsal, and a failure names the gap. (The other gaps are shown by
 * DeployRehearsalIT alone.)
 */
class PatchedMotoIT {
    private static final Path ROOT = Path.of(System.getProperty("medallion.root", "..")).toAbsolutePath().normalize();

    private static PatchedMoto moto;
    private static EmulatorTls tls;
    private static EmulatorClients aws;

    @BeforeAll
    static void startPatchedMoto() throws Exception {
        PatchedMoto.checkPrerequisites();
        Path logs = RehearsalLogs.fresh("patched-moto");
        tls = EmulatorTls.create(logs);
        moto = PatchedMoto.start(ROOT, tls, logs);
        aws = new EmulatorClients(moto.endpoint(), Region.US_EAST_1, tls);
    }

    @AfterAll
    static void stopPatchedMoto() {
        if (aws != null) {
            aws.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    /**
     * Gap 2: moto evaluates a bucket policy's conditions without the request, so bronze's refusals of the encryption the
     * converter could not read (storage.tf's bronze_put_encryption, as Terraform renders it without kms_encryption:
     * BronzeWritersPlanIT checks that rendering) would refuse every put. Patched, they refuse only a put that asks for SSE-C
     * or for another encryption than the bucket's SSE-S3, as AWS evaluates them; one that asks for none, or for SSE-S3, is
     * stored.
     */
    @Test
    void bronzesEncryptionRefusalsRefuseOnlyThePutsThatAskForAnotherEncryption() {
        String bucket = "bronze-encryption-refusals";
        aws.s3.createBucket(request -> request.bucket(bucket));
        aws.s3.putBucketPolicy(request -> request.bucket(bucket).policy("""
                {"Version": "2012-10-17", "Statement": [
                 {"Sid": "DenyBronzePutsWithCustomerProvidedKeys", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                  "Resource": "arn:aws:s3:::%1$s/*",
                  "Condition": {"Null": {"s3:x-amz-server-side-encryption-customer-algorithm": "false"}}},
                 {"Sid": "DenyBronzePutsEncryptedOtherwiseThanTheBucket", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                  "Resource": "arn:aws:s3:::%1$s/*",
                  "Condition": {"Null": {"s3:x-amz-server-side-encryption": "false"}, "StringNotEquals": {"s3:x-amz-server-side-encryption": "AES256"}}}]}
                """.formatted(bucket)));
        String otherKey = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        byte[] customerKey = new byte[32];
        String customerKeyMd5 = Base64.getEncoder().encodeToString(md5(customerKey));
        String body = "id,amount\n1,2.5\n";

        aws.s3.putObject(request -> request.bucket(bucket).key("orders/plain.csv"), RequestBody.fromString(body));
        aws.s3.putObject(request -> request.bucket(bucket).key("orders/sse-s3.csv").serverSideEncryption(ServerSideEncryption.AES256), RequestBody.fromString(body));
        Map<String, Consumer<PutObjectRequest.Builder>> refused = Map.of(
                "SSE-C", request -> request.sseCustomerAlgorithm("AES256").sseCustomerKey(Base64.getEncoder().encodeToString(customerKey))
                        .sseCustomerKeyMD5(customerKeyMd5),
                "SSE-KMS with another account's key", request -> request.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(otherKey),
                "SSE-KMS with the AWS managed key", request -> request.serverSideEncryption(ServerSideEncryption.AWS_KMS));
        for (Map.Entry<String, Consumer<PutObjectRequest.Builder>> put : refused.entrySet()) {
            S3Exception denied = assertThrows(S3Exception.class, () -> aws.s3.putObject(
                    request -> put.getValue().accept(request.bucket(bucket).key("orders/refused.csv")), RequestBody.fromString(body)), put.getKey());
            assertEquals(403, denied.statusCode(), put.getKey() + ": " + denied.getMessage());
        }
        assertEquals(List.of("orders/plain.csv", "orders/sse-s3.csv"),
                aws.s3.listObjectsV2(request -> request.bucket(bucket)).contents().stream().map(S3Object::key).sorted().toList());
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is a digest every JVM has", e);
        }
    }

    /**
     * Gap 9: terraform destroy suspends a bucket's versioning (the aws_s3_bucket_versioning goes first), then
     * force_destroy deletes each version and delete marker by its id with DeleteObjects. moto 5.2.1 answered
     * that with a 500 on the first marker, which the provider retried without end. S3 deletes the version
     * named, versioning suspended or not, and nothing else of the key.
     */
    @Test
    void aDeleteMarkerIsDeletedByItsVersionIdAfterVersioningIsSuspended() {
        String bucket = "suspended-with-a-delete-marker";
        String key = "sales/2026/deleted.csv";
        aws.s3.createBucket(request -> request.bucket(bucket));
        aws.s3.putBucketVersioning(request -> request.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String objectVersion = aws.s3.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromString("id,amount\n1,2.5\n")).versionId();
        String markerVersion = aws.s3.deleteObject(request -> request.bucket(bucket).key(key)).versionId();
        aws.s3.putBucketVersioning(request -> request.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));

        DeleteObjectsResponse deleted = aws.s3.deleteObjects(request -> request.bucket(bucket)
                .delete(delete -> delete.objects(object -> object.key(key).versionId(markerVersion))));

        assertTrue(deleted.errors().isEmpty(), "DeleteObjects of the marker " + markerVersion + " of " + key + " on a suspended bucket: " + deleted);
        assertEquals(List.of(markerVersion), deleted.deleted().stream().map(entry -> entry.versionId()).toList(), "what DeleteObjects deleted: " + deleted);
        ListObjectVersionsResponse left = aws.s3.listObjectVersions(request -> request.bucket(bucket));
        assertEquals(List.of(), left.deleteMarkers().stream().map(DeleteMarkerEntry::versionId).toList(), "delete markers of " + key + " left: " + left);
        assertEquals(List.of(objectVersion), left.versions().stream().map(ObjectVersion::versionId).toList(),
                "the object's own version must outlive the deletion of the marker alone: " + left);

        aws.s3.deleteObject(request -> request.bucket(bucket).key(key).versionId(objectVersion));
        ListObjectVersionsResponse emptied = aws.s3.listObjectVersions(request -> request.bucket(bucket));
        assertTrue(emptied.versions().isEmpty() && emptied.deleteMarkers().isEmpty(), "left in " + bucket + " after both versions: " + emptied);
        // What force_destroy ends with: the bucket, now empty of versions, is deleted.
        aws.s3.deleteBucket(request -> request.bucket(bucket));
        assertTrue(aws.s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket)), bucket + " still listed after DeleteBucket");
    }

    /**
     * Gap 10: force_destroy lists a bucket's versions and delete markers with ListObjectVersions
     * encoding-type=url and URL-decodes every key it is given, whether or not the answer says it is encoded
     * (hashicorp/terraform-provider-aws internal/service/s3/delete.go, forEachObjectVersionsPage), then deletes
     * those keys with DeleteObjects. moto 5.2.1 ignored encoding-type and answered the keys as stored, so a
     * '+' in a key, decoded, became a space: DeleteObjects named a key that does not exist, which it answers
     * as deleted, the bucket kept its versions and terraform destroy listed and deleted again without end.
     * The operator commands' replayed file of the rehearsal has such a key. The listing is read off the wire
     * here, as the provider's Go SDK reads it (this JVM's SDK would decode the keys itself when the answer
     * says EncodingType url, and only then).
     */
    @Test
    void aKeyWithAPlusAndASpaceIsDeletedByTheKeysForceDestroyDecodesFromAUrlEncodedListing() throws Exception {
        String bucket = "versioned-with-a-replayed-file";
        String key = "stores_eu/2026/12/new stores+eu.csv";
        aws.s3.createBucket(request -> request.bucket(bucket));
        aws.s3.putBucketVersioning(request -> request.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        aws.s3.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromString("store_id,city\n7,Lyon\n"));
        aws.s3.deleteObject(request -> request.bucket(bucket).key(key));
        aws.s3.putBucketVersioning(request -> request.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));

        Document listing = listObjectVersionsUrlEncoded(bucket);
        List<ObjectIdentifier> versions = decodedIdentifiers(listing, "Version");
        List<ObjectIdentifier> markers = decodedIdentifiers(listing, "DeleteMarker");
        // As the provider does: the versions first, then the delete markers, each a DeleteObjects of its own.
        for (List<ObjectIdentifier> page : List.of(versions, markers)) {
            DeleteObjectsResponse deleted = aws.s3.deleteObjects(request -> request.bucket(bucket).delete(delete -> delete.objects(page).quiet(true)));
            assertTrue(deleted.errors().isEmpty(), "DeleteObjects of " + page + ": " + deleted);
        }

        ListObjectVersionsResponse left = aws.s3.listObjectVersions(request -> request.bucket(bucket));
        assertTrue(left.versions().isEmpty() && left.deleteMarkers().isEmpty(), "left in " + bucket + " after DeleteObjects of the keys decoded from"
                + " a ListObjectVersions with encoding-type=url, " + versions + " and " + markers + ", where the key stored is '" + key + "': " + left);
        assertEquals("url", text(listing.getDocumentElement(), "EncodingType"),
                "EncodingType of a ListObjectVersions with encoding-type=url, which tells an SDK that the keys are encoded");
        aws.s3.deleteBucket(request -> request.bucket(bucket));
    }

    /** The ListObjectVersions answer of {@code bucket} as sent, to {@code GET /bucket?versions&encoding-type=url}. */
    private static Document listObjectVersionsUrlEncoded(String bucket) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(tls.sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = moto.endpoint().resolve("/" + bucket + "?versions&encoding-type=url");
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), "GET " + uri + ": " + new String(response.body(), StandardCharsets.UTF_8));
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(response.body()));
    }

    /** Each {@code element}'s key and version id, the key URL-decoded as Go's url.QueryUnescape does ('+' is a space). */
    private static List<ObjectIdentifier> decodedIdentifiers(Document listing, String element) {
        List<ObjectIdentifier> identifiers = new ArrayList<>();
        NodeList entries = listing.getElementsByTagName(element);
        for (int i = 0; i < entries.getLength(); i++) {
            Element entry = (Element) entries.item(i);
            identifiers.add(ObjectIdentifier.builder()
                    .key(URLDecoder.decode(text(entry, "Key"), StandardCharsets.UTF_8))
                    .versionId(text(entry, "VersionId"))
                    .build());
        }
        assertTrue(!identifiers.isEmpty(), "no " + element + " in the listing");
        return identifiers;
    }

    /**
     * Gap 11: an upgrade changes a budget in place (budget_subtract_credits turned the budgets' IncludeCredit
     * from true to false, a limit or a time unit may change), which the provider sends as UpdateBudget.
     * moto 5.2.1 answered it with a 500 (not implemented), which the provider retried for minutes, so
     * rehearse-on-moto.sh --upgrade-from a stack of 2 December 2026 never finished its apply. Budgets replaces
     * every part of the budget but its name and calculated spend, and keeps its notifications.
     */
    @Test
    void aBudgetIsUpdatedInPlaceKeepingItsNotifications() throws Exception {
        String accountId = aws.sts.getCallerIdentity().account();
        String name = "updated-in-place";
        Map<String, Object> notification = Map.of(
                "NotificationType", "ACTUAL", "ComparisonOperator", "GREATER_THAN", "Threshold", 80, "ThresholdType", "PERCENTAGE");
        budgets("CreateBudget", Map.of(
                "AccountId", accountId,
                "Budget", Map.of("BudgetName", name, "BudgetType", "COST", "TimeUnit", "MONTHLY",
                        "BudgetLimit", Map.of("Amount", "50", "Unit", "USD"),
                        "CostTypes", Map.of("IncludeCredit", true)),
                "NotificationsWithSubscribers", List.of(Map.of(
                        "Notification", notification,
                        "Subscribers", List.of(Map.of("SubscriptionType", "EMAIL", "Address", "ops@example.org"))))));

        budgets("UpdateBudget", Map.of(
                "AccountId", accountId,
                "NewBudget", Map.of("BudgetName", name, "BudgetType", "COST", "TimeUnit", "MONTHLY",
                        "BudgetLimit", Map.of("Amount", "100", "Unit", "USD"),
                        "CostTypes", Map.of("IncludeCredit", false))));

        JsonNode budget = budgets("DescribeBudget", Map.of("AccountId", accountId, "BudgetName", name)).path("Budget");
        assertEquals("100", budget.path("BudgetLimit").path("Amount").asText().replaceFirst("\\.0+$", ""), "the updated limit, read back: " + budget);
        assertEquals(false, budget.path("CostTypes").path("IncludeCredit").asBoolean(true), "the updated cost types, read back: " + budget);
        JsonNode notifications = budgets("DescribeNotificationsForBudget", Map.of("AccountId", accountId, "BudgetName", name)).path("Notifications");
        assertEquals(1, notifications.size(), "the budget's notifications after the update: " + notifications);
    }

    private static JsonNode budgets(String action, Map<String, ?> body) throws Exception {
        return aws.callJson("budgets", Region.US_EAST_1, "AWSBudgetServiceGateway." + action, "1.1", body);
    }

    private static String text(Element parent, String child) {
        NodeList nodes = parent.getElementsByTagName(child);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
    }
}
