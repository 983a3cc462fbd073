package dev.orchestra.internal.json;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one plain JSON mapper Orchestra's modules share for reading and writing ordinary JSON: tool
 * arguments, role answers, schemas. Events have their own form ({@link EventJson}). Not part of
 * Orchestra's API.
 */
public final class Json {
  /** Jackson's defaults; thread-safe once configured, and never reconfigured. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}
}
