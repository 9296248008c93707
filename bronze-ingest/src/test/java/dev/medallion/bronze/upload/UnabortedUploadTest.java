package dev.medallion.bronze.upload;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UnabortedUploadTest {
    @Test
    void theAbortCommandPastesIntoAShellWhateverTheKeyHolds() {
        UnabortedUpload upload = new UnabortedUpload("bronze", "sales data/l'été $x.csv", "2~abc", Optional.empty(), "Connection reset");

        assertEquals("aws s3api abort-multipart-upload --bucket bronze --key 'sales data/l'\\''été $x.csv' --upload-id '2~abc'", upload.abortCommand());
    }

    @Test
    void anEmulatorsEndpointGoesIntoTheCommand() {
        UnabortedUpload upload = new UnabortedUpload("bronze", "sales/a.csv", "id1", Optional.of(URI.create("http://localhost:4566")), "reset");

        assertEquals("aws s3api abort-multipart-upload --bucket bronze --key sales/a.csv --upload-id id1 --endpoint-url http://localhost:4566",
                upload.abortCommand());
    }
}
