package dev.medallion.common.storage;

import static java.util.Objects.requireNonNull;

/**
 * A small object read whole, with the entity tag (without quotes) of the version read, so that a writer
 * can replace exactly that version and no other ({@link ObjectStore#putIf}).
 *
 * @param content the bytes; not copied, so callers must not modify them
 */
public record VersionedContent(byte[] content, String etag) {
    public VersionedContent {
        requireNonNull(content, "content is null");
        requireNonNull(etag, "etag is null");
        etag = ObjectInfo.unquote(etag);
    }
}
