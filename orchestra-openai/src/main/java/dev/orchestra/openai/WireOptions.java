package dev.orchestra.openai;

/** The per-provider switches the wire codecs need. */
record WireOptions(boolean developerAsSystem, boolean store, boolean stream, boolean reasoningModel, boolean azure) {}
