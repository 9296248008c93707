package dev.medallion.silver.lambda;

import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.logging.JsonLog;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.CrawlerRunningException;

import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Starts the silver Glue crawler once the converter has committed new data, so that the chain bronze,
 * silver, crawler, gold runs with no orchestrator: the crawler's success is what starts the gold build.
 * <p>
 * Starting it never fails a conversion, whose data is committed by then. A crawl already running is the
 * common case when files arrive together: the crawler runs in S3 event mode, so what this invocation
 * wrote waits in the crawler's queue for its next run, started by the next converted file or by its
 * schedule. Any other failure (throttling, a missing permission, a wrong name) is logged as a warning
 * with the same consequence; retrying the invocation would convert nothing and only repeat it.
 */
public final class SilverCrawler {
    private final GlueClient glue;
    private final String name;
    private final JsonLog log;

    public SilverCrawler(GlueClient glue, String name, JsonLog log) {
        this.glue = requireNonNull(glue, "glue is null");
        this.name = requireNonNull(name, "name is null");
        this.log = requireNonNull(log, "log is null");
    }

    /**
     * Asks Glue to start a crawl.
     *
     * @param convertedObjects how many objects this invocation converted, for the log
     * @return whether a crawl was started
     */
    public boolean start(int convertedObjects) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("crawler", name);
        fields.put("convertedObjects", convertedObjects);
        try {
            glue.startCrawler(request -> request.name(name));
            log.info("silver crawler started", fields);
            return true;
        }
        catch (CrawlerRunningException e) {
            log.info("silver crawler already running; the new data waits in its event queue for the next crawl", fields);
            return false;
        }
        catch (SdkException e) {
            fields.put("error", ErrorMessages.describe(e));
            log.warn("could not start the silver crawler; the data is committed, and the next converted file or the crawler's schedule catalogs it", fields);
            return false;
        }
    }
}
