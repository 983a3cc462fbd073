import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny MCP server over stdio for the Codex tests, run as a single-file Java program: it offers
 * one tool, echo_upper, which answers its text in capitals and appends the text to the file named
 * by its first argument, so a test sees that Codex really called it, with the PROBE_SECRET variable
 * it was given and whether that value shows on a command line above it. JSON-RPC 2.0, one message a
 * line. Written for the test from the MCP specification; no library.
 */
public final class EchoMcpServer {
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\"[^\"]*\"|\\d+)");
  private static final Pattern METHOD = Pattern.compile("\"method\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern TEXT = Pattern.compile("\"text\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  public static void main(String[] args) throws Exception {
    Path log = Path.of(args[0]);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      Matcher m = METHOD.matcher(line);
      Matcher id = ID.matcher(line);
      if (!m.find() || !id.find()) {
        continue; // a notification, or a response to nothing we asked
      }
      String result =
          switch (m.group(1)) {
            case "initialize" -> "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"probe\",\"version\":\"1\"}}";
            case "tools/list" ->
                "{\"tools\":[{\"name\":\"echo_upper\",\"description\":\"Upper-cases text\",\"inputSchema\":{\"type\":\"object\","
                    + "\"properties\":{\"text\":{\"type\":\"string\"}},\"required\":[\"text\"]}}]}";
            case "tools/call" -> {
              Matcher t = TEXT.matcher(line.substring(line.indexOf("\"arguments\"")));
              String text = t.find() ? t.group(1) : "";
              // What a test checks besides the call: the variable the role's file gave this server,
              // and whether its value shows on the command line of any process above it.
              String secret = System.getenv("PROBE_SECRET");
              Files.writeString(
                  log, text + "\n" + "PROBE_SECRET=" + secret + "\n" + "on a command line above: " + onCommandLineAbove(secret) + "\n",
                  StandardOpenOption.CREATE, StandardOpenOption.APPEND);
              yield "{\"content\":[{\"type\":\"text\",\"text\":\"" + text.toUpperCase() + "\"}],\"isError\":false}";
            }
            default -> null;
          };
      String reply =
          result == null
              ? "{\"jsonrpc\":\"2.0\",\"id\":" + id.group(1) + ",\"error\":{\"code\":-32601,\"message\":\"no such method\"}}"
              : "{\"jsonrpc\":\"2.0\",\"id\":" + id.group(1) + ",\"result\":" + result + "}";
      System.out.println(reply);
      System.out.flush();
    }
  }

  /** Whether {@code value} is in the arguments of this process's parent, grandparent and so on (Linux). */
  private static boolean onCommandLineAbove(String value) throws Exception {
    if (value == null) {
      return false;
    }
    java.util.Optional<ProcessHandle> p = ProcessHandle.current().parent();
    while (p.isPresent() && p.get().pid() > 1) {
      Path cmdline = Path.of("/proc", Long.toString(p.get().pid()), "cmdline");
      if (Files.exists(cmdline) && new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).contains(value)) {
        return true;
      }
      p = p.get().parent();
    }
    return false;
  }
}
