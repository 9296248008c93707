package dev.medallion.bronze.upload;

import java.util.List;

/** A listener for files uploaded without the command, where nothing is shown. */
public final class SilentUploadListener implements UploadListener {
    public static final UploadListener SILENT = new SilentUploadListener();

    private SilentUploadListener() {}

    @Override
    public void runStarted(int files, long bytes) {}

    @Override
    public void bytesDone(long bytes, boolean sent) {}

    @Override
    public void fileDone(UploadOutcome outcome) {}

    @Override
    public void runDone(List<PlannedFile> notAttempted) {}
}
