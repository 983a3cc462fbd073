package dev.orchestra.model;

/**
 * {@link ProviderSignals#NONE}: drops every signal, for model calls made outside an orchestrator.
 *
 * <p>{@code NONE} is the only instance. It is made by {@code ProviderSignals} itself rather than
 * kept in a static field here: initialising this class initialises {@code ProviderSignals} first
 * (it has a default method), so a field here read from {@code ProviderSignals}' initialiser could
 * still be null.
 */
final class DroppedSignals implements ProviderSignals {

  DroppedSignals() {}

  @Override
  public void rateLimited(String cause) {}

  @Override
  public void unstable(String cause) {}

  @Override
  public String toString() {
    return "ProviderSignals.NONE";
  }
}
