package dev.medallion.rehearsal;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    private static EmulatorClients aws;

    @BeforeAll
    static void startPatchedMoto() throws Exception {
        PatchedMoto.checkPrerequisites();
        Path logs = RehearsalLogs.fresh("patched-moto");
        EmulatorTls tls = EmulatorTls.create(logs);
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
}
