package dev.medallion.common.storage;

import java.io.IOException;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * An {@link ObjectStore} over a local directory, laid out exactly like the bucket: key {@code a/b.parquet}
 * is the file {@code root/a/b.parquet}. Keys can never escape the root. Writes go to a hidden temporary
 * file first and are renamed into place, so a reader never sees half an object. Conditional writes hold a
 * lock, within the JVM and, across processes, on a file beside the root's folder ({@code .<name>.medallion-lock} in its
 * parent), or named after the root in a folder the caller gives: not in the lake, which holds only objects, and not in a
 * folder of the temporary directory shared by every user of the machine, which the first user to make it owns (so that
 * every other user's conditional writes failed there) and which gained a file for every root ever written. Beside the
 * lake, every process that writes it, whoever runs it, takes the same lock, and the file goes with the lake. Entity tags
 * are the MD5 of the content, as S3 gives an object written in one request.
 * <p>
 * A lock file is left when its lock is released: removing it then would let a process that opened it and waits for
 * its lock hold a lock on a file no longer at that path, while a third creates the path anew and locks that, and both
 * would write at once.
 */
public final class LocalObjectStore implements ObjectStore {
    private static final String TEMPORARY_PREFIX = ".tmp-";
    private static final int FOLDER_ATTEMPTS = 5;
    private static final Object JVM_LOCK = new Object();

    private final Path root;
    private final Path lockFile;

    /** Its conditional writes lock {@code .<name>.medallion-lock} beside the root, in the root's parent folder. */
    public LocalObjectStore(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        Path parent = this.root.getParent();
        if (parent == null) {
            throw new IllegalArgumentException("The lake folder " + this.root + " has no parent folder for the lock file of its conditional writes: give a folder under it");
        }
        this.lockFile = parent.resolve("." + this.root.getFileName() + ".medallion-lock");
    }

    /**
     * @param lockDirectory where the lock file of conditional writes goes, outside the root: a caller that
     *     deletes everything it used (SnapStart's priming, whose snapshot must keep nothing) gives its own
     */
    public LocalObjectStore(Path root, Path lockDirectory) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.lockFile = requireNonNull(lockDirectory, "lockDirectory is null").toAbsolutePath().normalize()
                .resolve(md5Hex(this.root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ".lock");
    }

    public Path root() {
        return root;
    }

    /** The file its conditional writes lock across processes, made by the first of them: a caller can check it can be, before writing. */
    public Path lockFile() {
        return lockFile;
    }

    /** The file that holds the object under this key; rejects keys that would leave the root. */
    public Path resolve(String key) {
        requireNonNull(key, "key is null");
        if (key.isEmpty() || key.startsWith("/") || key.contains("\\") || key.contains("\0")) {
            throw new IllegalArgumentException("Invalid object key '" + key + "'");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("Invalid object key '" + key + "': empty, '.' or '..' segment");
            }
        }
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("Object key '" + key + "' escapes " + root);
        }
        return path;
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        Path path = resolve(key);
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        return Optional.of(new ObjectInfo(key, attributes.size(), md5Hex(path), attributes.lastModifiedTime().toInstant()));
    }

    @Override
    public InputStream open(String key, Optional<String> expectedEtag) throws IOException {
        requireVersion(key, expectedEtag);
        return Files.newInputStream(resolve(key));
    }

    /**
     * Fails when the file is no longer the version expected, as S3's If-Match does. A file's entity tag is
     * its MD5, so this reads it once more: the local commands pass no version, only tests of a source
     * replaced during a conversion do.
     */
    private void requireVersion(String key, Optional<String> expectedEtag) throws IOException {
        if (expectedEtag.isEmpty()) {
            return;
        }
        Path path = resolve(key);
        if (!Files.isRegularFile(path)) {
            throw new ObjectDeletedException(describe(key), "it no longer exists: it was deleted since its version " + expectedEtag.get() + " was read", null);
        }
        String expected = ObjectInfo.unquote(expectedEtag.get());
        String current = md5Hex(path);
        if (!current.equals(expected)) {
            throw new ObjectReplacedException(describe(key) + " is no longer version " + expected + " (it is " + current + " now): it changed while it was read", null);
        }
    }

    @Override
    public InputStream openRange(String key, Optional<String> expectedEtag, long from, long to) throws IOException {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("Invalid byte range [" + from + ", " + to + ") of " + describe(key));
        }
        requireVersion(key, expectedEtag);
        SeekableByteChannel channel = Files.newByteChannel(resolve(key));
        try {
            channel.position(from);
            return new RangeStream(Channels.newInputStream(channel), to - from);
        }
        catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public Optional<VersionedContent> readVersioned(String key) throws IOException {
        try {
            byte[] content = Files.readAllBytes(resolve(key));
            return Optional.of(new VersionedContent(content, md5Hex(content)));
        }
        catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void put(String key, byte[] content) throws IOException {
        Path target = resolve(key);
        Path temporary = writeTemporary(target, content);
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public Optional<String> putIf(String key, byte[] content, Optional<String> expectedEtag) throws IOException {
        Path target = resolve(key);
        requireNonNull(expectedEtag, "expectedEtag is null");
        Path temporary = writeTemporary(target, content);
        try {
            synchronized (JVM_LOCK) {
                try (FileChannel lockChannel = openLock();
                        FileLock lock = lockChannel.lock()) {
                    Optional<String> current = Files.isRegularFile(target) ? Optional.of(md5Hex(Files.readAllBytes(target))) : Optional.empty();
                    if (!current.equals(expectedEtag.map(ObjectInfo::unquote))) {
                        return Optional.empty();
                    }
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    return Optional.of(md5Hex(content));
                }
            }
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public ObjectUpload create(String key) throws IOException {
        Path target = resolve(key);
        return new LocalUpload(target, temporaryBeside(target));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        requireNonNull(prefix, "prefix is null");
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && !file.getFileName().toString().startsWith(TEMPORARY_PREFIX)) {
                    String key = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                    if (key.startsWith(prefix)) {
                        keys.add(key);
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            // Another run's temporary file, or a folder its delete emptied and removed, vanished between
            // reading a directory and looking at the entry: as on S3, a key deleted while a listing runs
            // may or may not be listed, and the listing goes on.
            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        keys.sort(null);
        return keys;
    }

    @Override
    public void delete(Collection<String> keys) throws IOException {
        for (String key : keys) {
            Path path = resolve(key);
            Files.deleteIfExists(path);
            removeEmptyParents(path.getParent());
        }
    }

    @Override
    public String describe(String key) {
        return resolve(key).toString();
    }

    /**
     * The lock file's channel, the file made if missing. Failing to, nothing is written, and the write is refused naming the
     * file and what to do: the file system's message alone (the lock's path) read as the write's, left without an answer.
     */
    private FileChannel openLock() throws IOException {
        boolean existed = Files.exists(lockFile);
        try {
            Files.createDirectories(lockFile.getParent());
            return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
        catch (IOException e) {
            throw new WriteRefusedException((existed ? "cannot open " : "cannot create ") + lockFile + ", the lock file conditional writes to " + root
                    + " take across processes (" + reason(e) + "), so nothing was written: make " + lockFile.getParent() + " writable by this user (its"
                    + " lock file, once made, too, for every user who writes the lake), or give a lake folder in a folder you can write", e);
        }
    }

    private static String reason(IOException failure) {
        if (failure instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (failure instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
            return fileSystem.getReason();
        }
        return failure.toString();
    }

    private void removeEmptyParents(Path directory) throws IOException {
        Path current = directory;
        while (current != null && current.startsWith(root) && !current.equals(root)) {
            try {
                Files.deleteIfExists(current);
            }
            catch (DirectoryNotEmptyException e) {
                return;
            }
            current = current.getParent();
        }
    }

    private static Path writeTemporary(Path target, byte[] content) throws IOException {
        Path temporary = temporaryBeside(target);
        try (OutputStream out = newTemporaryFile(temporary)) {
            out.write(content);
        }
        return temporary;
    }

    /** Creates the temporary file whose folder {@link #temporaryBeside} made, making it again if it vanished since ({@link #makeFolder}). */
    private static OutputStream newTemporaryFile(Path temporary) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
            catch (NoSuchFileException e) {
                if (attempt == FOLDER_ATTEMPTS) {
                    throw e;
                }
                makeFolder(temporary.getParent());
            }
        }
    }

    /**
     * A fresh hidden file name next to the target, so the final rename stays on one file system. Not
     * {@link Files#createTempFile}: its files are private to the owner, and the lake is meant to be shared.
     */
    private static Path temporaryBeside(Path target) throws IOException {
        makeFolder(target.getParent());
        return target.resolveSibling(TEMPORARY_PREFIX + UUID.randomUUID() + ".part");
    }

    /**
     * Another run's delete removes the folders it empties ({@link #removeEmptyParents}), possibly while this
     * one makes them ({@link Files#createDirectories} then fails, seeing a folder appear and vanish) or
     * between making a folder and creating a file in it: both are retried, a few times, since each removal
     * needs the folder empty. What persists (a file where a folder belongs) still fails.
     */
    private static void makeFolder(Path folder) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                Files.createDirectories(folder);
                return;
            }
            catch (FileAlreadyExistsException | NoSuchFileException e) {
                if (attempt == FOLDER_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static String md5Hex(byte[] content) {
        return HexFormat.of().formatHex(md5().digest(content));
    }

    /** The entity tag S3 gives an object uploaded in one part: the hex MD5 of its content. */
    private static String md5Hex(Path path) throws IOException {
        MessageDigest digest = md5();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(path)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime provides MD5", e);
        }
    }

    /** Writes into a hidden temporary file; publishing renames it into place. */
    private static final class LocalUpload extends ObjectUpload {
        private final Path target;
        private final Path temporary;
        private final OutputStream out;
        private long position;
        private boolean closed;
        private boolean published;
        private boolean aborted;

        LocalUpload(Path target, Path temporary) throws IOException {
            this.target = target;
            this.temporary = temporary;
            this.out = newTemporaryFile(temporary);
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (closed || aborted) {
                throw new IOException("Upload to " + target + " is already " + (aborted ? "aborted" : "closed"));
            }
            out.write(bytes, offset, length);
            position += length;
        }

        @Override
        public void close() throws IOException {
            if (aborted) {
                throw new IOException("Upload to " + target + " was aborted");
            }
            if (closed) {
                return;
            }
            closed = true;
            out.close();
        }

        @Override
        public void publish() throws IOException {
            if (published) {
                return;
            }
            if (aborted || !closed) {
                throw new IllegalStateException("Upload to " + target + " cannot be published: it is " + (aborted ? "aborted" : "not closed"));
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            published = true;
        }

        @Override
        public void abort() {
            if (published || aborted) {
                return;
            }
            aborted = true;
            try {
                out.close();
                Files.deleteIfExists(temporary);
            }
            catch (IOException e) {
                throw new UncheckedIOException("Could not discard " + temporary, e);
            }
        }
    }

    /** The next {@code remaining} bytes of a file, then its end, as a ranged GET returns them. */
    private static final class RangeStream extends FilterInputStream {
        private long remaining;

        RangeStream(InputStream in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return length == 0 ? 0 : -1;
            }
            int read = super.read(buffer, offset, (int) Math.min(length, remaining));
            if (read > 0) {
                remaining -= read;
            }
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
