package dev.orchestra.openai;

import dev.orchestra.role.ReasoningEffort;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ToolCall;
import dev.orchestra.model.ToolSpec;
import java.util.List;

/** Requests the tests send. */
final class Requests {
  static final String SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"result\":{\"type\":\"string\"}},\"required\":[\"result\"],\"additionalProperties\":false}";
  static final ToolSpec WRITE =
      new ToolSpec(
          "write_file", "Write a file",
          "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"content\":{\"type\":\"string\"}},"
              + "\"required\":[\"path\",\"content\"],\"additionalProperties\":false}");

  private Requests() {}

  static ModelRequest simple(String model) {
    return ModelRequest.builder()
        .role("implementer")
        .taskId("T1")
        .model(model)
        .reasoningEffort(ReasoningEffort.HIGH)
        .instructions("Be brief.")
        .messages(List.of(Message.user("Say hi")))
        .build();
  }

  /** A second turn: the model called a tool, the result goes back. */
  static ModelRequest withToolTurn() {
    return ModelRequest.builder()
        .role("implementer")
        .taskId("T1")
        .model("gpt-5.4")
        .reasoningEffort(ReasoningEffort.MEDIUM)
        .instructions("Be brief.")
        .messages(
            List.of(
                new Message.Developer("Only write inside src/."),
                Message.user("Write hello"),
                new Message.Assistant("", List.of(new ToolCall("call_1", "write_file", "{\"path\":\"a\",\"content\":\"b\"}"))),
                new Message.ToolResult("call_1", "wrote 1 byte", false)))
        .tools(List.of(WRITE))
        .responseSchema(SCHEMA)
        .maxOutputTokens(500)
        .build();
  }
}
