package dev.medallion.common.testing;

import dev.medallion.common.storage.S3ObjectStore;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

import static java.util.Objects.requireNonNull;

/**
 * A bronze and a silver bucket, made afresh on an {@link S3Emulator} before each test, with a store on each:
 * <pre>
 * &#64;RegisterExtension
 * static final S3Emulator S3 = new S3Emulator();
 *
 * &#64;RegisterExtension
 * final BronzeAndSilverBuckets buckets = BronzeAndSilverBuckets.on(S3);
 * </pre>
 * Fresh buckets keep a test from reading what another wrote, as the emulator lives for the whole class.
 */
public final class BronzeAndSilverBuckets implements BeforeEachCallback {
    private final S3Emulator s3;
    private final boolean versionedBronze;
    private String bronzeBucket;
    private String silverBucket;
    private S3ObjectStore bronze;
    private S3ObjectStore silver;

    private BronzeAndSilverBuckets(S3Emulator s3, boolean versionedBronze) {
        this.s3 = requireNonNull(s3, "s3 is null");
        this.versionedBronze = versionedBronze;
    }

    /** Both buckets unversioned. */
    public static BronzeAndSilverBuckets on(S3Emulator s3) {
        return new BronzeAndSilverBuckets(s3, false);
    }

    /** Bronze versioned, as terraform/storage.tf makes it: a plain DELETE leaves a delete marker and the old version. */
    public static BronzeAndSilverBuckets withVersionedBronzeOn(S3Emulator s3) {
        return new BronzeAndSilverBuckets(s3, true);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        bronzeBucket = s3.createBucket("bronze");
        silverBucket = s3.createBucket("silver");
        if (versionedBronze) {
            s3.client().putBucketVersioning(request -> request.bucket(bronzeBucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        }
        bronze = new S3ObjectStore(s3.client(), bronzeBucket);
        silver = new S3ObjectStore(s3.client(), silverBucket);
    }

    public String bronzeBucket() {
        return requireNonNull(bronzeBucket, "no bucket before the first test: register this extension on a test instance's field");
    }

    public String silverBucket() {
        return requireNonNull(silverBucket, "no bucket before the first test: register this extension on a test instance's field");
    }

    public S3ObjectStore bronze() {
        return requireNonNull(bronze, "no bucket before the first test: register this extension on a test instance's field");
    }

    public S3ObjectStore silver() {
        return requireNonNull(silver, "no bucket before the first test: register this extension on a test instance's field");
    }
}
