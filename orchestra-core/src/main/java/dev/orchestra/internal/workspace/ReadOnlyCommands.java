package dev.orchestra.internal.workspace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The programs that only read, so that a read-only sandbox runs them without approval, each with
 * what would make it write or run another program: long options (refused under any prefix GNU
 * getopt takes as an abbreviation), short option letters (refused anywhere in a cluster), the
 * subcommands it is limited to and the action words it must not be given. Programs whose writing
 * options are hard to list ({@code tree -o}, {@code uniq}'s output operand) are left off. Pure.
 */
final class ReadOnlyCommands {
  /** What keeps one program read-only. */
  private record Rule(Set<String> longOptions, String shortOptions, Set<String> subcommands, Set<String> actions) {
    static final Rule ANY_ARGUMENTS = new Rule(Set.of(), "", Set.of(), Set.of());

    static Rule refusing(Set<String> longOptions, String shortOptions) {
      return new Rule(longOptions, shortOptions, Set.of(), Set.of());
    }

    boolean allows(List<String> args) {
      if (!subcommands.isEmpty() && (args.isEmpty() || !subcommands.contains(args.get(0)))) {
        return false;
      }
      return args.stream().noneMatch(a -> actions.contains(a) || isRefusedOption(a));
    }

    private boolean isRefusedOption(String arg) {
      if (arg.startsWith("--") && arg.length() > 2) {
        String name = arg.substring(2).split("=", 2)[0];
        return longOptions.stream().anyMatch(n -> n.startsWith(name));
      }
      if (arg.startsWith("-") && !arg.startsWith("--")) {
        return arg.chars().skip(1).anyMatch(c -> shortOptions.indexOf(c) >= 0);
      }
      return false;
    }
  }

  private static final Map<String, Rule> PROGRAMS =
      Map.ofEntries(
          Map.entry("ls", Rule.ANY_ARGUMENTS),
          Map.entry("cat", Rule.ANY_ARGUMENTS),
          Map.entry("head", Rule.ANY_ARGUMENTS),
          Map.entry("tail", Rule.ANY_ARGUMENTS),
          Map.entry("wc", Rule.ANY_ARGUMENTS),
          Map.entry("grep", Rule.ANY_ARGUMENTS),
          Map.entry("egrep", Rule.ANY_ARGUMENTS),
          Map.entry("fgrep", Rule.ANY_ARGUMENTS),
          Map.entry("rg", Rule.refusing(Set.of("pre", "pre-glob", "hostname-bin", "search-zip"), "z")),
          Map.entry("pwd", Rule.ANY_ARGUMENTS),
          Map.entry("echo", Rule.ANY_ARGUMENTS),
          Map.entry("true", Rule.ANY_ARGUMENTS),
          Map.entry("false", Rule.ANY_ARGUMENTS),
          Map.entry("stat", Rule.ANY_ARGUMENTS),
          Map.entry("file", Rule.refusing(Set.of("compile"), "C")),
          Map.entry("sort", Rule.refusing(Set.of("output", "compress-program"), "o")),
          Map.entry("cut", Rule.ANY_ARGUMENTS),
          Map.entry("tr", Rule.ANY_ARGUMENTS),
          Map.entry("diff", Rule.ANY_ARGUMENTS),
          Map.entry("cmp", Rule.ANY_ARGUMENTS),
          Map.entry("which", Rule.ANY_ARGUMENTS),
          Map.entry("whoami", Rule.ANY_ARGUMENTS),
          Map.entry("date", Rule.refusing(Set.of("set"), "s")),
          Map.entry("basename", Rule.ANY_ARGUMENTS),
          Map.entry("dirname", Rule.ANY_ARGUMENTS),
          Map.entry("realpath", Rule.ANY_ARGUMENTS),
          Map.entry("du", Rule.ANY_ARGUMENTS),
          Map.entry("df", Rule.ANY_ARGUMENTS),
          Map.entry(
              "find",
              new Rule(
                  Set.of(), "", Set.of(),
                  Set.of("-exec", "-execdir", "-ok", "-okdir", "-delete", "-fprint", "-fprint0", "-fprintf", "-fls"))),
          // --output writes a file, -O / --open-files-in-pager runs a program, external diff and
          // text conversion drivers run programs named in the repository's configuration.
          Map.entry(
              "git",
              new Rule(
                  Set.of("output", "open-files-in-pager", "ext-diff", "textconv"),
                  "O",
                  Set.of("status", "log", "diff", "show", "ls-files", "rev-parse", "blame", "grep", "describe", "shortlog"),
                  Set.of())));

  /** The git subcommands that can run an external diff driver, and those that can run a text conversion. */
  private static final Set<String> GIT_EXTERNAL_DIFF = Set.of("diff", "log", "show");
  private static final Set<String> GIT_TEXT_CONVERSION = Set.of("diff", "log", "show", "grep", "blame");

  private ReadOnlyCommands() {}

  /** Whether a command (as an argument list) only reads. Shell lines never count: they cannot be checked. */
  static boolean isReadOnly(List<String> argv) {
    Rule rule = PROGRAMS.get(programName(argv).toLowerCase(Locale.ROOT));
    return rule != null && rule.allows(argv.subList(1, argv.size()));
  }

  /**
   * A git command with the programs a repository's own configuration can name turned off
   * (file-system monitor, hooks, external diff, text conversion), so that it only reads even when
   * {@code .git/config} was planted by an earlier command. Other commands come back as they are.
   */
  static List<String> withoutRepositoryPrograms(List<String> argv) {
    if (!programName(argv).equals("git") || argv.size() < 2) {
      return argv;
    }
    List<String> out = new ArrayList<>(List.of(argv.get(0), "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "diff.external="));
    String sub = argv.get(1);
    out.add(sub);
    if (GIT_EXTERNAL_DIFF.contains(sub)) {
      out.add("--no-ext-diff");
    }
    if (GIT_TEXT_CONVERSION.contains(sub)) {
      out.add("--no-textconv");
    }
    out.addAll(argv.subList(2, argv.size()));
    return out;
  }

  private static String programName(List<String> argv) {
    return Path.of(argv.get(0)).getFileName().toString();
  }
}
