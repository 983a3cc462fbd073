package dev.orchestra.openai;

/** Receives text as it streams in: the part of an answer that has reached the caller. */
@FunctionalInterface
interface StreamResult {
  void textDelta(String delta);
}
