package dev.orchestra.gate;

/**
 * A word of a line, lowercased: what the sensitivity rules match, so that {@code author} is not
 * {@code auth} and {@code Tokenizer} is not {@code token}.
 *
 * @param group which identifier (or bare word) of the line it belongs to
 * @param upperGroup whether that identifier is in capitals, as constants and environment variables are
 */
record Word(String text, int group, int start, int end, boolean upperGroup) {}
