package dev.orchestra.testing;

import dev.orchestra.Sleeper;
import dev.orchestra.model.ModelProvider;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.RejectedRequestException;
import dev.orchestra.model.TransientModelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A {@link ModelProvider} that answers from a script instead of a model, and records every
 * request: how to unit-test an orchestration without a network or an API key.
 *
 * <pre>{@code
 * ScriptedModelProvider model = new ScriptedModelProvider();
 * model.on("orchestrator").reply(Reply.text(planJson));
 * model.on("implementer", "T1").reply(
 *     Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"content\":\"hi\"}"),
 *     Reply.text(doneJson));
 * model.on("reviewer").reply(Reply.text(blockJson)).otherwise(Reply.text(shipJson));
 * }</pre>
 *
 * <p>For a request by role R on task T, the provider takes, in order: the next queued reply for
 * (R, T), the next queued reply for R, the fallback for (R, T), the fallback for R. With none, the
 * request fails with a {@link RejectedRequestException} naming what was scripted.
 *
 * <p>Thread-safe: the orchestrator calls it from many threads; delays are waited outside any lock.
 */
public final class ScriptedModelProvider implements ModelProvider {
  private final Map<String, Deque<Reply>> queues = new HashMap<>();
  private final Map<String, Reply> fallbacks = new HashMap<>();
  private final List<ModelRequest> requests = new ArrayList<>();
  private final Sleeper sleeper;

  /** Creates a provider whose delays really sleep. */
  public ScriptedModelProvider() {
    this(Sleeper.SYSTEM);
  }

  /**
   * Creates a provider whose delays go through a sleeper, for example one that advances a fake
   * clock.
   *
   * @param sleeper waits for {@link Reply#after(Duration)} delays
   */
  public ScriptedModelProvider(Sleeper sleeper) {
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /**
   * Starts a script for every request of a role.
   *
   * @param role the role's name
   * @return the script, to add replies to
   */
  public Script on(String role) {
    return new Script(Objects.requireNonNull(role, "role"));
  }

  /**
   * Starts a script for one role's requests on one task.
   *
   * @param role the role's name
   * @param taskId the task's id
   * @return the script, to add replies to
   */
  public Script on(String role, String taskId) {
    return new Script(Objects.requireNonNull(role, "role") + "\u0000" + Objects.requireNonNull(taskId, "taskId"));
  }

  /** Replies for one key: a queue used in order, then a fallback used for ever. */
  public final class Script {
    private final String key;

    private Script(String key) {
      this.key = key;
    }

    /**
     * Queues replies, used once each in order.
     *
     * @param replies the replies
     * @return this script
     */
    public Script reply(Reply... replies) {
      synchronized (ScriptedModelProvider.this) {
        queues.computeIfAbsent(key, k -> new ArrayDeque<>()).addAll(Arrays.asList(replies));
      }
      return this;
    }

    /**
     * Sets the reply used whenever the queue is empty.
     *
     * @param reply the reply
     * @return this script
     */
    public Script otherwise(Reply reply) {
      synchronized (ScriptedModelProvider.this) {
        fallbacks.put(key, Objects.requireNonNull(reply, "reply"));
      }
      return this;
    }
  }

  @Override
  public ModelResponse respond(ModelRequest request, ProviderSignals signals) {
    Reply reply;
    synchronized (this) {
      requests.add(request);
      reply = next(request.role() + "\u0000" + request.taskId());
      if (reply == null) {
        reply = next(request.role());
      }
      if (reply == null) {
        reply = fallbacks.get(request.role() + "\u0000" + request.taskId());
      }
      if (reply == null) {
        reply = fallbacks.get(request.role());
      }
      if (reply == null) {
        throw new RejectedRequestException(
            "no scripted reply for role '" + request.role() + "' on task '" + request.taskId()
                + "'; scripted: " + scripted());
      }
    }
    if (!reply.delay().isZero()) {
      try {
        sleeper.sleep(reply.delay());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransientModelException("interrupted while waiting to answer", e);
      }
    }
    return reply.answer(request);
  }

  private Reply next(String key) {
    Deque<Reply> q = queues.get(key);
    return q == null ? null : q.poll();
  }

  private String scripted() {
    TreeSet<String> keys = new TreeSet<>();
    queues.forEach((k, q) -> {
      if (!q.isEmpty()) {
        keys.add(k.replace('\u0000', '/'));
      }
    });
    fallbacks.keySet().forEach(k -> keys.add(k.replace('\u0000', '/') + " (fallback)"));
    return keys.isEmpty() ? "nothing" : String.join(", ", keys);
  }

  /** Returns every request received so far, in order. */
  public synchronized List<ModelRequest> requests() {
    return List.copyOf(requests);
  }

  /**
   * Returns the requests of one role, in order.
   *
   * @param role the role's name
   * @return the requests
   */
  public synchronized List<ModelRequest> requests(String role) {
    return requests.stream().filter(r -> r.role().equals(role)).toList();
  }

  /**
   * Returns the requests of one role on one task, in order.
   *
   * @param role the role's name
   * @param taskId the task's id
   * @return the requests
   */
  public synchronized List<ModelRequest> requests(String role, String taskId) {
    return requests.stream().filter(r -> r.role().equals(role) && r.taskId().equals(taskId)).toList();
  }

  /** Returns how many queued replies were never used: a script that expected more calls. */
  public synchronized int unusedReplies() {
    return queues.values().stream().mapToInt(Deque::size).sum();
  }

  @Override
  public String name() {
    return "scripted";
  }
}
