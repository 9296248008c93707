package dev.medallion.silver;

import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.ObjectUpload;
import dev.medallion.common.storage.VersionedContent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A store that runs test code at the points of the commit protocol where a run can fail, stall or die:
 * before an upload starts, before each write to it, before it is published, around the conditional
 * manifest write, before a plain write, a read, a listing, a delete or an abort. Everything
 * else goes straight to the real store underneath.
 */
final class HookedStore implements ObjectStore {
    /** What to do at each point; a hook may block, throw an IOException (a storage failure) or an Error (a kill). */
    interface Hooks {
        default void beforeCreate(String key) throws IOException {}

        default void beforeWrite(String key) throws IOException {}

        default void beforePublish(String key) throws IOException {}

        default void beforePutIf(String key) throws IOException {}

        /** As {@link #beforePutIf(String)}, with what the write would write and expect. */
        default void beforePutIf(String key, byte[] content, Optional<String> expectedEtag) throws IOException {
            beforePutIf(key);
        }

        default void afterPutIf(String key, Optional<String> written) throws IOException {}

        /** Before a plain (unconditional) write, such as a publishing marker's, with what it would write. */
        default void beforePut(String key, byte[] content) throws IOException {}

        /** Before any read of one object: its metadata, its content whole or streamed (a manifest's, a marker's). */
        default void beforeRead(String key) throws IOException {}

        /** Before a listing, and so before {@code listObjects} and {@code listFolders}, which list through it. */
        default void beforeList(String prefix) throws IOException {}

        default void beforeDelete(Collection<String> keys) throws IOException {}

        /** May throw an unchecked exception: an abort that fails, as {@code S3ObjectStore}'s does. */
        default void beforeAbort(String key) {}
    }

    private final ObjectStore delegate;
    private final Hooks hooks;

    /** Waits for {@code release} as a blocking socket call does: an interrupt does not end the wait. */
    static void awaitDeafToInterrupts(CountDownLatch release) {
        boolean released = false;
        while (!released) {
            try {
                released = release.await(10, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                // deaf to it
            }
        }
    }

    HookedStore(ObjectStore delegate, Hooks hooks) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.hooks = requireNonNull(hooks, "hooks is null");
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        hooks.beforeRead(key);
        return delegate.stat(key);
    }

    @Override
    public InputStream open(String key, Optional<String> expectedEtag) throws IOException {
        hooks.beforeRead(key);
        return delegate.open(key, expectedEtag);
    }

    @Override
    public InputStream openRange(String key, Optional<String> expectedEtag, long from, long to) throws IOException {
        hooks.beforeRead(key);
        return delegate.openRange(key, expectedEtag, from, to);
    }

    @Override
    public Optional<VersionedContent> readVersioned(String key) throws IOException {
        // read(key) is ObjectStore's default, which comes here: one hook for both.
        hooks.beforeRead(key);
        return delegate.readVersioned(key);
    }

    @Override
    public void put(String key, byte[] content) throws IOException {
        hooks.beforePut(key, content);
        delegate.put(key, content);
    }

    @Override
    public Optional<String> putIf(String key, byte[] content, Optional<String> expectedEtag) throws IOException {
        hooks.beforePutIf(key, content, expectedEtag);
        Optional<String> written = delegate.putIf(key, content, expectedEtag);
        hooks.afterPutIf(key, written);
        return written;
    }

    @Override
    public ObjectUpload create(String key) throws IOException {
        hooks.beforeCreate(key);
        ObjectUpload upload = delegate.create(key);
        return new ObjectUpload() {
            @Override
            public long position() {
                return upload.position();
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                hooks.beforeWrite(key);
                upload.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                upload.close();
            }

            @Override
            public void publish() throws IOException {
                hooks.beforePublish(key);
                upload.publish();
            }

            @Override
            public void abort() {
                hooks.beforeAbort(key);
                upload.abort();
            }
        };
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        hooks.beforeList(prefix);
        return delegate.list(prefix);
    }

    @Override
    public void delete(Collection<String> keys) throws IOException {
        hooks.beforeDelete(keys);
        delegate.delete(keys);
    }

    @Override
    public String describe(String key) {
        return delegate.describe(key);
    }
}
