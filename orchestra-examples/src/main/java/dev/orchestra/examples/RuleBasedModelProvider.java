package dev.orchestra.examples;

import dev.orchestra.model.ModelProvider;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.RejectedRequestException;
import dev.orchestra.model.TokenUsage;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Recipe: a custom {@link ModelProvider}. A real one would call a model over HTTP; this one
 * answers each role with a rule, to show the contract: be thread-safe, block until the answer is
 * complete, report failures as the typed exceptions (here: a role with no rule is a rejected
 * request, which the orchestrator never retries), and report absorbed trouble through {@link
 * ProviderSignals}.
 */
public final class RuleBasedModelProvider implements ModelProvider {
  private final Map<String, Function<ModelRequest, String>> rules;
  private final AtomicInteger calls = new AtomicInteger();

  /**
   * Creates the provider.
   *
   * @param rules the answer for each role name
   */
  public RuleBasedModelProvider(Map<String, Function<ModelRequest, String>> rules) {
    this.rules = Map.copyOf(rules);
  }

  @Override
  public ModelResponse respond(ModelRequest request, ProviderSignals signals) {
    calls.incrementAndGet();
    Function<ModelRequest, String> rule = rules.get(request.role());
    if (rule == null) {
      throw new RejectedRequestException("no rule for role '" + request.role() + "'; rules exist for " + rules.keySet());
    }
    String answer = rule.apply(request);
    return ModelResponse.text(answer, new TokenUsage(request.lastUserText().length() / 4, answer.length() / 4, 0, 0));
  }

  /** Returns how many requests it answered. */
  public int calls() {
    return calls.get();
  }

  @Override
  public String name() {
    return "rules";
  }
}
