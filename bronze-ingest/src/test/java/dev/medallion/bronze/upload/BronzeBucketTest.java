package dev.medallion.bronze.upload;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ChecksumType;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BronzeBucketTest {
    @Test
    void onlyAChecksumOfTheWholeObjectCompares() {
        assertEquals(Optional.of("4E21yw=="), BronzeBucket.fullObjectCrc32("4E21yw==", ChecksumType.FULL_OBJECT));
        // A single-part object: moto reports no type, S3 reports FULL_OBJECT.
        assertEquals(Optional.of("twiHiQ=="), BronzeBucket.fullObjectCrc32("twiHiQ==", null));
        // S3 reports the checksum of the parts' checksums with the number of parts.
        assertEquals(Optional.empty(), BronzeBucket.fullObjectCrc32("vVQh6w==-3", null));
        assertEquals(Optional.empty(), BronzeBucket.fullObjectCrc32("vVQh6w==", ChecksumType.COMPOSITE));
        assertEquals(Optional.empty(), BronzeBucket.fullObjectCrc32(null, null));
    }
}
