package dev.orchestra;

import dev.orchestra.plan.TaskStatus;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.event.OrchestraListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** Records every event in delivery order, for assertions on order and overlap. */
public final class EventRecorder implements OrchestraListener {
  private final List<OrchestraEvent> events = new ArrayList<>();

  @Override
  public synchronized void onEvent(OrchestraEvent event) {
    events.add(event);
  }

  public synchronized List<OrchestraEvent> events() {
    return List.copyOf(events);
  }

  public synchronized <T extends OrchestraEvent> List<T> of(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The most tasks (matching the filter) started and not yet finished at any point. */
  public synchronized int maxConcurrentTasks(Predicate<String> taskFilter) {
    int current = 0;
    int max = 0;
    for (OrchestraEvent e : events) {
      if (e instanceof OrchestraEvent.TaskStarted s && taskFilter.test(s.taskId())) {
        max = Math.max(max, ++current);
      } else if (e instanceof OrchestraEvent.TaskFinished f && taskFilter.test(f.taskId())
          && f.status() != TaskStatus.BLOCKED) {
        current--;
      }
    }
    return max;
  }

  /** Whether two tasks were ever running at the same time. */
  public synchronized boolean overlapped(String a, String b) {
    Set<String> running = new HashSet<>();
    for (OrchestraEvent e : events) {
      if (e instanceof OrchestraEvent.TaskStarted s) {
        running.add(s.taskId());
        if (running.contains(a) && running.contains(b)) {
          return true;
        }
      } else if (e instanceof OrchestraEvent.TaskFinished f) {
        running.remove(f.taskId());
      }
    }
    return false;
  }

  /** How many times each task was started. */
  public synchronized Map<String, Integer> starts() {
    Map<String, Integer> n = new HashMap<>();
    for (OrchestraEvent e : events) {
      if (e instanceof OrchestraEvent.TaskStarted s) {
        n.merge(s.taskId(), 1, Integer::sum);
      }
    }
    return n;
  }
}
