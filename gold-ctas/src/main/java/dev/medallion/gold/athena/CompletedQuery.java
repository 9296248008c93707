package dev.medallion.gold.athena;

import static java.util.Objects.requireNonNull;

/**
 * A query that succeeded.
 *
 * @param bytesScanned what Athena bills for
 * @param seconds from submission to success, as this function waited for it
 */
public record CompletedQuery(String queryId, long bytesScanned, double seconds) {
    public CompletedQuery {
        requireNonNull(queryId, "queryId is null");
    }
}
