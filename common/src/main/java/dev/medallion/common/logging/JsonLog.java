package dev.medallion.common.logging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Writes one JSON object per line, the shape CloudWatch Logs Insights queries best.
 * Lambda forwards standard output to CloudWatch, so no logging framework is needed.
 */
public final class JsonLog {
    private final PrintStream out;
    private final Clock clock;
    private final ObjectMapper mapper;

    public JsonLog(PrintStream out, Clock clock) {
        this.out = requireNonNull(out, "out is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.mapper = new ObjectMapper()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    public static JsonLog standardOutput() {
        return new JsonLog(System.out, Clock.systemUTC());
    }

    public void info(String message, Map<String, ?> fields) {
        write("INFO", message, fields);
    }

    public void warn(String message, Map<String, ?> fields) {
        write("WARN", message, fields);
    }

    public void error(String message, Map<String, ?> fields) {
        write("ERROR", message, fields);
    }

    private void write(String level, String message, Map<String, ?> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", clock.instant().toString());
        line.put("level", level);
        line.put("message", message);
        line.putAll(fields);
        String json;
        try {
            json = mapper.writeValueAsString(line);
        }
        catch (JsonProcessingException e) {
            json = "{\"level\":\"ERROR\",\"message\":\"unloggable fields: " + e.getOriginalMessage().replace('"', '\'') + "\"}";
        }
        synchronized (out) {
            out.println(json);
        }
    }
}
