package dev.orchestra.internal.workspace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The commands known to reach the network, so that a sandbox without network access ({@code
 * read-only}, or {@code workspace-write} without {@code [sandbox_workspace_write] network_access =
 * true}) asks about them or refuses them. Pure.
 *
 * <p>This is a list, not isolation. It knows download and remote-shell programs ({@code curl},
 * {@code wget}, {@code ssh}, {@code scp}, {@code nc}, ...), {@code rsync} to a remote host, and the
 * subcommands of package managers and {@code git} that fetch or publish ({@code git clone/fetch/
 * pull/push/ls-remote}, {@code npm install}, {@code pip install}, {@code go get}, {@code docker
 * pull}, ...). In a shell line ({@code sh -c}) it looks at the first word of each command between
 * {@code ;}, {@code &}, {@code |}, parentheses, braces, backquotes and new lines, after variable
 * assignments and wrappers such as {@code env}, {@code sudo} or {@code nohup}. Anything else that
 * opens a socket ({@code python -c 'urllib...'}, a build that downloads its dependencies, a test
 * that calls a server) is not recognised and runs with the JVM's own network access.
 */
final class NetworkCommands {
  /** Programs whose whole job is to talk to another host. */
  private static final Set<String> FETCHERS =
      Set.of("curl", "wget", "ssh", "scp", "sftp", "ftp", "telnet", "nc", "ncat", "netcat", "aria2c", "http", "https", "xh");

  private static final Set<String> NODE_FETCHING = Set.of("install", "i", "ci", "add", "update", "upgrade", "publish");
  private static final Set<String> PIP_FETCHING = Set.of("install", "download");

  /** Programs that reach the network only with some subcommands: those subcommands. */
  private static final Map<String, Set<String>> FETCHING_SUBCOMMANDS =
      Map.ofEntries(
          Map.entry("git", Set.of("clone", "fetch", "pull", "push", "ls-remote")),
          Map.entry("npm", NODE_FETCHING),
          Map.entry("pnpm", NODE_FETCHING),
          Map.entry("yarn", NODE_FETCHING),
          Map.entry("bun", NODE_FETCHING),
          Map.entry("pip", PIP_FETCHING),
          Map.entry("pip3", PIP_FETCHING),
          Map.entry("gem", Set.of("install", "update")),
          Map.entry("cargo", Set.of("install", "fetch", "publish")),
          Map.entry("go", Set.of("get")),
          Map.entry("docker", Set.of("pull", "push", "login")),
          Map.entry("podman", Set.of("pull", "push", "login")),
          Map.entry("apt", Set.of("install", "update", "upgrade")),
          Map.entry("apt-get", Set.of("install", "update", "upgrade")),
          Map.entry("brew", Set.of("install", "update", "upgrade")));

  /** Options of git that take the next argument as their value. */
  private static final Set<String> GIT_VALUE_OPTIONS = Set.of("-C", "-c", "--git-dir", "--work-tree", "--namespace");
  private static final Set<String> SHELLS = Set.of("sh", "bash", "zsh", "dash", "ksh");
  /** Words that run the command after them. */
  private static final Set<String> WRAPPERS =
      Set.of("env", "exec", "time", "timeout", "nohup", "sudo", "command", "nice", "xargs", "if", "then", "elif", "else", "while", "until", "do", "!");
  /** A duration or count a wrapper takes ({@code timeout 30s}, {@code nice 5}). */
  private static final Pattern WRAPPER_NUMBER = Pattern.compile("[0-9][0-9.]*[smhd]?");
  private static final Pattern SHELL_BREAKS = Pattern.compile("\\$\\(|[;&|\\n(){}`]");
  private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*");
  private static final Pattern REMOTE_RSYNC = Pattern.compile("rsync://.*|[^/]*::.*|[A-Za-z0-9._@-]+:.*");

  private NetworkCommands() {}

  /** Whether a command (an argument list, {@code sh -c LINE} for a shell line) is known to reach the network. */
  static boolean reachesNetwork(List<String> argv) {
    if (argv.isEmpty()) {
      return false;
    }
    String program = Path.of(argv.get(0)).getFileName().toString().toLowerCase(Locale.ROOT);
    List<String> args = argv.subList(1, argv.size());
    if (SHELLS.contains(program)) {
      String script = shellScript(args);
      return script != null && lineReachesNetwork(script);
    }
    if (FETCHERS.contains(program)) {
      return true;
    }
    if (program.equals("rsync")) {
      return args.stream().anyMatch(a -> !a.startsWith("-") && REMOTE_RSYNC.matcher(a).matches());
    }
    if ((program.equals("python") || program.equals("python3")) && args.size() > 1 && args.get(0).equals("-m")) {
      return reachesNetwork(args.subList(1, args.size()));
    }
    Set<String> fetching = FETCHING_SUBCOMMANDS.get(program);
    if (fetching == null) {
      return false;
    }
    List<String> words = operands(program, args);
    if (words.isEmpty()) {
      return false;
    }
    if (program.equals("go") && words.get(0).equals("mod")) {
      return words.size() > 1 && words.get(1).equals("download");
    }
    return fetching.contains(words.get(0));
  }

  /** The script of {@code sh -c SCRIPT} (also {@code bash -lc SCRIPT}), or null. */
  private static String shellScript(List<String> args) {
    for (int i = 0; i < args.size() - 1; i++) {
      String a = args.get(i);
      if (!a.startsWith("-")) {
        return null; // a script file, not a line
      }
      if (!a.startsWith("--") && a.indexOf('c') > 0) {
        return args.get(i + 1);
      }
    }
    return null;
  }

  /** Whether any command of a shell line is known to reach the network. Quotes are dropped, not parsed. */
  private static boolean lineReachesNetwork(String line) {
    for (String part : SHELL_BREAKS.split(line)) {
      List<String> words = new ArrayList<>(Arrays.asList(part.replace("\"", " ").replace("'", " ").trim().split("\\s+")));
      while (!words.isEmpty() && (words.get(0).isEmpty() || ASSIGNMENT.matcher(words.get(0)).matches()
          || WRAPPERS.contains(words.get(0)) || WRAPPER_NUMBER.matcher(words.get(0)).matches()
          || (words.get(0).startsWith("-") && words.get(0).length() > 1))) {
        words.remove(0);
      }
      if (!words.isEmpty() && reachesNetwork(words)) {
        return true;
      }
    }
    return false;
  }

  /** The arguments that are not options (nor, for git, the values of its global options). */
  private static List<String> operands(String program, List<String> args) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (program.equals("git") && GIT_VALUE_OPTIONS.contains(a) && out.isEmpty()) {
        i++;
      } else if (!a.startsWith("-")) {
        out.add(a);
      }
    }
    return out;
  }
}
