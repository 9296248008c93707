package dev.medallion.gold.lambda;

import java.util.Map;

/**
 * Runs the handler from the shaded jar alone (GoldShadedJarIT puts only the jar and this class on the
 * class path), built the way the Lambda runtime builds it: the no-argument constructor, configuration
 * and endpoint from the environment. A class the jar's minimisation dropped fails here, not in Lambda.
 */
public final class GoldHandlerProbe {
    private GoldHandlerProbe() {}

    public static void main(String[] args) {
        Map<String, Object> outcomes = new GoldCtasHandler().handleRequest(Map.of(), null);
        System.out.println("outcomes=" + outcomes);
    }
}
