package dev.orchestra.testing;

import dev.orchestra.model.AuthenticationException;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.QuotaExhaustedException;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.RejectedRequestException;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.model.ToolCall;
import dev.orchestra.model.TransientModelException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One scripted answer of a {@link ScriptedModelProvider}: a final text, tool calls, a failure, or
 * a function of the request. Immutable; {@link #after(Duration)} adds a delay before answering.
 */
public final class Reply {
  private static final AtomicLong CALL_IDS = new AtomicLong();

  private final Function<ModelRequest, ModelResponse> answer;
  private final Duration delay;
  private final String description;

  private Reply(Function<ModelRequest, ModelResponse> answer, Duration delay, String description) {
    this.answer = answer;
    this.delay = delay;
    this.description = description;
  }

  /**
   * Returns a final text answer. Token usage is estimated at four characters a token, counting the
   * request's instructions and the text, tool calls and tool outputs of its messages.
   *
   * @param text the answer, for example a role's JSON report
   * @return the reply
   */
  public static Reply text(String text) {
    Objects.requireNonNull(text, "text");
    return new Reply(req -> ModelResponse.text(text, estimate(req, text)), Duration.ZERO, "text");
  }

  /**
   * Returns a refusal: the model declines to answer, in the given words (what a provider reports
   * from Chat Completions' {@code refusal} or the Responses API's {@code refusal} content).
   *
   * @param refusal the model's words, not blank
   * @return the reply
   */
  public static Reply refusal(String refusal) {
    if (refusal.isBlank()) {
      throw new IllegalArgumentException("a refusal needs its text");
    }
    return new Reply(req -> ModelResponse.refusal(refusal, estimate(req, refusal)), Duration.ZERO, "refusal");
  }

  /**
   * Returns one tool call.
   *
   * @param tool the tool's name, for example {@code write_file}
   * @param argumentsJson the arguments as a JSON object
   * @return the reply
   */
  public static Reply toolCall(String tool, String argumentsJson) {
    return toolCalls(List.of(new ToolCall("call_" + CALL_IDS.incrementAndGet(), tool, argumentsJson)));
  }

  /**
   * Returns several tool calls in one answer.
   *
   * @param calls the calls
   * @return the reply
   */
  public static Reply toolCalls(List<ToolCall> calls) {
    List<ToolCall> copy = List.copyOf(calls);
    return new Reply(req -> new ModelResponse("", copy, estimate(req, copy.toString())), Duration.ZERO, "tool calls " + copy.stream().map(ToolCall::name).toList());
  }

  /**
   * Returns a reply computed from the request, for conditions a fixed script cannot express.
   *
   * @param function computes the answer; may throw a {@link ModelProviderException}
   * @return the reply
   */
  public static Reply answer(Function<ModelRequest, ModelResponse> function) {
    Objects.requireNonNull(function, "function");
    return new Reply(function, Duration.ZERO, "function");
  }

  /**
   * Returns a failure.
   *
   * @param failure makes the exception to throw
   * @return the reply
   */
  public static Reply fail(Supplier<? extends ModelProviderException> failure) {
    Objects.requireNonNull(failure, "failure");
    return new Reply(
        req -> {
          throw failure.get();
        },
        Duration.ZERO,
        "failure");
  }

  /**
   * Returns a 429-style rate limit.
   *
   * @param retryAfter the wait the "server" asks for, or null for no hint
   * @return the reply
   */
  public static Reply rateLimited(Duration retryAfter) {
    return fail(() -> new RateLimitedException("scripted rate limit", retryAfter));
  }

  /** Returns a transient failure, like a 503. */
  public static Reply transientFailure() {
    return fail(() -> new TransientModelException("scripted transient failure"));
  }

  /** Returns an exhausted quota. */
  public static Reply quotaExhausted() {
    return fail(() -> new QuotaExhaustedException("scripted quota exhausted"));
  }

  /**
   * Returns a rejected request, like a 400.
   *
   * @param why the message
   * @return the reply
   */
  public static Reply rejected(String why) {
    return fail(() -> new RejectedRequestException(why));
  }

  /** Returns an authentication failure, like a 401. */
  public static Reply authenticationFailure() {
    return fail(() -> new AuthenticationException("scripted authentication failure"));
  }

  /**
   * Returns this reply, given after a delay (waited with the provider's sleeper).
   *
   * @param delay how long to wait before answering
   * @return the delayed reply
   */
  public Reply after(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative");
    }
    return new Reply(answer, delay, description);
  }

  Duration delay() {
    return delay;
  }

  ModelResponse answer(ModelRequest request) {
    return answer.apply(request);
  }

  private static TokenUsage estimate(ModelRequest req, String output) {
    long in = req.instructions().length();
    for (Message m : req.messages()) {
      in += characters(m);
    }
    return new TokenUsage(Math.max(1, in / 4), Math.max(1, output.length() / 4), 0, 0);
  }

  /** The characters a message carries to the model (not its toString, which costs a copy). */
  private static long characters(Message m) {
    return switch (m.kind()) {
      case DEVELOPER -> ((Message.Developer) m).text().length();
      case USER -> ((Message.User) m).text().length();
      case ASSISTANT -> {
        Message.Assistant a = (Message.Assistant) m;
        long n = a.text().length();
        for (ToolCall c : a.toolCalls()) {
          n += c.id().length() + c.name().length() + c.arguments().length();
        }
        yield n;
      }
      case TOOL_RESULT -> {
        Message.ToolResult r = (Message.ToolResult) m;
        yield r.callId().length() + r.output().length();
      }
    };
  }

  @Override
  public String toString() {
    return "Reply[" + description + (delay.isZero() ? "" : ", after " + delay) + "]";
  }
}
