package dev.orchestra.model;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A factory, found through ServiceLoader in tests, that records the settings it was given. */
public final class RecordingProviderFactory implements ModelProviderFactory {
  static final List<ProviderConfig> MADE = new CopyOnWriteArrayList<>();

  /** Called by ServiceLoader. */
  public RecordingProviderFactory() {}

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public ModelProvider create(ProviderConfig config, Map<String, String> environment) {
    MADE.add(config);
    return (request, signals) -> {
      throw new UnsupportedOperationException("records only");
    };
  }
}
