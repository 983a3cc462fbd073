/**
 * A model provider for OpenAI and OpenAI-compatible servers (Azure OpenAI, vLLM, Ollama, LM
 * Studio), on the JDK's HTTP client.
 *
 * <p>{@link dev.orchestra.openai.OpenAiProvider} speaks the Responses API or Chat Completions,
 * streamed or not, and maps HTTP and stream failures to core's typed {@code ModelProviderException}s.
 * Its settings are {@link dev.orchestra.openai.ApiKey}, whose {@code toString()} never shows the
 * key, {@link dev.orchestra.openai.RateLimit} for a client-side limit and {@link
 * dev.orchestra.openai.RetryPolicy} for retries; {@link dev.orchestra.openai.OpenAiProviderFactory}
 * makes providers from a core {@code ProviderConfig} for {@code ModelProviders} discovery.
 * Everything else (the wire codecs, the server-sent-event reader, one HTTP attempt, the retrying
 * call, the server's rate-limit window, error mapping) is package-private.
 */
package dev.orchestra.openai;
