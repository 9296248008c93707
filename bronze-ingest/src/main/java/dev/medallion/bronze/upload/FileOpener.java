package dev.medallion.bronze.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** How a local file's content is read; the command reads from disk, tests may inject a read that fails midway. */
@FunctionalInterface
public interface FileOpener {
    InputStream open(Path file) throws IOException;
}
