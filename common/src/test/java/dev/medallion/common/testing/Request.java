package dev.medallion.common.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * One HTTP request as {@link FaultProxy} received it, for matching faults to requests and for checking
 * afterwards what a client sent.
 * <p>
 * The path and the query are kept raw, as on the wire ({@code /bucket/dir/a%20b.csv},
 * {@code partNumber=2&uploadId=...}), because that is what the SDK signed and what the emulator sees;
 * decoding would make two different requests look alike. The query is {@code ""} when there is none.
 * Header names are lower-cased (HTTP header names are case-insensitive, and the SDK and the JDK spell
 * them differently); a header the client repeated holds its values joined by {@code ", "}.
 *
 * @param method the request method as sent, {@code GET}, {@code PUT}, ...
 * @param path the request target up to the first {@code ?}, raw
 * @param query the request target after the first {@code ?}, raw, or {@code ""}
 * @param headers the request headers, names lower-cased, in the order received
 */
public record Request(String method, String path, String query, Map<String, String> headers) {
    public Request {
        requireNonNull(method, "method is null");
        requireNonNull(path, "path is null");
        requireNonNull(query, "query is null");
        requireNonNull(headers, "headers is null");
        Map<String, String> lowerCased = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            requireNonNull(name, "a header name is null");
            requireNonNull(value, () -> "the value of header " + name + " is null");
            lowerCased.merge(name.toLowerCase(Locale.ROOT), value, (first, second) -> first + ", " + second);
        });
        headers = Collections.unmodifiableMap(lowerCased);
    }

    /** Every request: for a fault that hits whatever comes next. */
    public static Predicate<Request> any() {
        return request -> true;
    }

    /**
     * Requests with this method (case-insensitive) whose raw path contains {@code pathPart}, such as
     * {@code s3("PUT", "/_commit/")} or {@code s3("GET", bucket + "/data.csv")}. The path is compared raw:
     * a key with characters the SDK escapes must be given escaped ({@code a%20b.csv}).
     */
    public static Predicate<Request> s3(String method, String pathPart) {
        requireNonNull(method, "method is null");
        requireNonNull(pathPart, "pathPart is null");
        return request -> request.method.equalsIgnoreCase(method) && request.path.contains(pathPart);
    }

    /**
     * Whether the query names this parameter, with or without a value: {@code uploads} (CreateMultipartUpload
     * sends it without one), {@code uploadId}, {@code partNumber}, {@code list-type}. Names are compared
     * after percent-decoding, case-sensitively as S3 does.
     */
    public boolean hasQueryParameter(String name) {
        return queryParameter(name).isPresent();
    }

    /**
     * The percent-decoded value of the first query parameter with this name, {@code ""} for a parameter
     * without a value ({@code ?uploads}), empty when the query does not name it.
     */
    public Optional<String> queryParameter(String name) {
        requireNonNull(name, "name is null");
        if (query.isEmpty()) {
            return Optional.empty();
        }
        for (String parameter : query.split("&", -1)) {
            int equals = parameter.indexOf('=');
            String rawName = equals < 0 ? parameter : parameter.substring(0, equals);
            if (decode(rawName).equals(name)) {
                return Optional.of(equals < 0 ? "" : decode(parameter.substring(equals + 1)));
            }
        }
        return Optional.empty();
    }

    /** The value of a header, its name compared case-insensitively. */
    public Optional<String> header(String name) {
        requireNonNull(name, "name is null");
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** {@code POST /bucket/key?uploads}. */
    public boolean isCreateMultipartUpload() {
        return method.equals("POST") && hasQueryParameter("uploads");
    }

    /** {@code PUT /bucket/key?partNumber=N&uploadId=ID}, UploadPartCopy included. */
    public boolean isUploadPart() {
        return method.equals("PUT") && hasQueryParameter("partNumber") && hasQueryParameter("uploadId");
    }

    /** {@code POST /bucket/key?uploadId=ID}. */
    public boolean isCompleteMultipartUpload() {
        return method.equals("POST") && hasQueryParameter("uploadId");
    }

    /** {@code DELETE /bucket/key?uploadId=ID}. */
    public boolean isAbortMultipartUpload() {
        return method.equals("DELETE") && hasQueryParameter("uploadId");
    }

    /** The request target as on the wire: the path, then {@code ?} and the query when there is one. */
    public String target() {
        return query.isEmpty() ? path : path + "?" + query;
    }

    private static String decode(String raw) {
        try {
            // URLDecoder also turns '+' into a space; the SDK escapes spaces as %20 and '+' as %2B.
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException malformed) {
            // A stray '%' is no parameter we could be asked about by its decoded name: compare it raw.
            return raw;
        }
    }
}
