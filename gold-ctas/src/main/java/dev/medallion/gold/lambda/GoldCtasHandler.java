package dev.medallion.gold.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.medallion.common.config.Environment;
import dev.medallion.common.config.GoldSettings;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.S3Clients;
import dev.medallion.gold.athena.Deadline;
import dev.medallion.gold.athena.Sleeper;
import dev.medallion.gold.build.GoldBuilder;
import dev.medallion.gold.build.ModelOutcome;
import dev.medallion.gold.model.GoldModel;
import dev.medallion.gold.model.GoldModels;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The Lambda entry point of the gold layer: reads the request ({@link GoldRequest}), builds the models it
 * names with {@link GoldBuilder}, one after the other, and does nothing else. Every model is attempted;
 * when any failed, the invocation fails after the others, with each failure's query id and Athena's
 * reason, so the failure shows in the function's error metrics and, for EventBridge's asynchronous
 * invocations, in the on-failure queue. Terraform reserves a concurrency of 1: builds never overlap.
 *
 * @see GoldSettings for the environment it reads
 */
public final class GoldCtasHandler implements RequestHandler<Map<String, Object>, Map<String, String>> {
    private final GoldModels models;
    private final GoldBuilder builder;
    private final JsonLog log;

    /** Called by the Lambda runtime: configuration comes from the environment. */
    public GoldCtasHandler() {
        this(Environment.system(), S3Clients.create(Optional.empty()),
                GlueClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
                AthenaClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
                GoldModels.shipped(), JsonLog.standardOutput(), Sleeper.system());
    }

    public GoldCtasHandler(Environment environment, S3Client s3, GlueClient glue, AthenaClient athena, GoldModels models, JsonLog log, Sleeper sleeper) {
        this.models = requireNonNull(models, "models is null");
        this.log = requireNonNull(log, "log is null");
        GoldSettings settings = GoldSettings.fromEnvironment(requireNonNull(environment, "environment is null"));
        this.builder = new GoldBuilder(settings, s3, glue, athena, log, Clock.systemUTC(), sleeper, new SecureRandom());
    }

    /** Returns each model's outcome, such as {@code {"daily_sales": "built 20260314233000_a1b2c3"}}. */
    @Override
    public Map<String, String> handleRequest(Map<String, Object> event, Context context) {
        GoldRequest request = GoldRequest.parse(event == null ? Map.of() : event);
        if (request.ignored().isPresent()) {
            log.info("gold request ignored", Map.of("trigger", request.trigger(), "reason", request.ignored().get()));
            return Map.of();
        }
        List<GoldModel> chosen = request.models().map(models::named).orElseGet(models::all);
        log.info("gold build started", Map.of(
                "trigger", request.trigger(),
                "models", chosen.stream().map(GoldModel::name).toList(),
                "force", request.force()));
        Deadline deadline = deadline(context);
        Map<String, String> outcomes = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (GoldModel model : chosen) {
            ModelOutcome outcome = builder.build(model, request.force(), deadline);
            outcomes.put(model.name(), outcome.summary());
            if (outcome.failed()) {
                failures.add(model.name() + ": " + outcome.failure().orElseThrow());
            }
        }
        if (!failures.isEmpty()) {
            throw new GoldBuildException("Could not build " + failures.size() + " of " + chosen.size() + " gold model(s); "
                    + "their previous builds stay in place: " + String.join("; ", failures));
        }
        return outcomes;
    }

    /** The invocation's remaining time; without a context (a local run), a Lambda invocation's longest. */
    private static Deadline deadline(Context context) {
        if (context == null) {
            return Deadline.at(Clock.systemUTC().instant().plus(Duration.ofMinutes(15)), Clock.systemUTC());
        }
        return () -> Duration.ofMillis(context.getRemainingTimeInMillis());
    }
}
