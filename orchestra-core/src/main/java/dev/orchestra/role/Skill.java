package dev.orchestra.role;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.orchestra.OrchestraException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * An Agent Skill: a folder with a {@code SKILL.md} whose front matter gives a name and a
 * description. Only the name and description go into a role's requests; the model loads the full
 * text with the {@code load_skill} tool when it decides it needs it.
 *
 * @param name the skill's name, unique among a role's skills
 * @param description one line saying when to use it
 * @param file the {@code SKILL.md} file
 */
public record Skill(String name, String description, Path file) {

  /** Validates the components. */
  public Skill {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(file, "file");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a skill needs a name: " + file);
    }
  }

  /**
   * Finds the skills in a folder: every direct sub-folder with a {@code SKILL.md} that starts with
   * front matter ({@code ---} lines) holding {@code name:} and {@code description:}.
   *
   * @param folder the skills folder
   * @return the skills, sorted by name
   * @throws OrchestraException naming the file when a {@code SKILL.md} lacks its front matter,
   *     name or description
   * @throws UncheckedIOException when the folder cannot be read
   */
  public static List<Skill> discover(Path folder) {
    List<Skill> skills = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(folder)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        Path file = dir.resolve("SKILL.md");
        if (Files.isRegularFile(file)) {
          skills.add(read(file));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read skills folder " + folder + ": " + e.getMessage(), e);
    }
    skills.sort(Comparator.comparing(Skill::name));
    return List.copyOf(skills);
  }

  /**
   * Reads one {@code SKILL.md}.
   *
   * @param file the file
   * @return the skill
   * @throws OrchestraException naming the file and line when the front matter is missing,
   *     incomplete, or neither YAML nor plain {@code key: value} lines
   */
  public static Skill read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (lines.isEmpty() || !lines.get(0).strip().equals("---")) {
      throw new OrchestraException(file + ":1: expected front matter starting with '---'");
    }
    int close = 1;
    while (close < lines.size() && !lines.get(close).strip().equals("---")) {
      close++;
    }
    if (close == lines.size()) {
      throw new OrchestraException(file + ":" + lines.size() + ": front matter is not closed with '---'");
    }
    // The Agent Skills front matter is YAML: quoted, folded and multi-line values as YAML reads them.
    List<String> block = lines.subList(1, close);
    JsonNode matter;
    try {
      matter = YAML.readTree(String.join("\n", block));
    } catch (JsonProcessingException e) {
      // Many skills were written as plain 'key: value' lines that YAML refuses (a ': ' inside a
      // description): those are read line by line, as before; anything else is an error.
      matter = plainLines(block);
      if (matter == null) {
        int line = e.getLocation() == null ? 1 : e.getLocation().getLineNr() + 1; // the block starts on the file's line 2
        throw new OrchestraException(file + ":" + line + ": front matter is not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""));
      }
      log.debug("{}: front matter is not valid YAML; read as 'key: value' lines", file);
    }
    if (matter != null && !matter.isMissingNode() && !matter.isNull() && !matter.isObject()) {
      throw new OrchestraException(file + ":2: front matter must be a mapping of keys such as 'name:' and 'description:'");
    }
    String name = text(matter, "name", file);
    String description = text(matter, "description", file);
    if (name == null || description == null) {
      throw new OrchestraException(
          file + ":" + (close + 1) + ": front matter needs 'name:' and 'description:'" + (name == null ? "; name is missing" : "; description is missing"));
    }
    return new Skill(name, description, file);
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Skill.class);

  /**
   * Reads front matter as plain {@code key: value} lines (a value's quotes taken off), or returns
   * null when a line is neither that nor blank nor a comment.
   */
  private static JsonNode plainLines(List<String> block) {
    com.fasterxml.jackson.databind.node.ObjectNode out = YAML.createObjectNode();
    for (String l : block) {
      String t = l.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      int colon = l.indexOf(':');
      if (colon <= 0 || Character.isWhitespace(l.charAt(0))) {
        return null;
      }
      String v = l.substring(colon + 1).strip();
      if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
        v = v.substring(1, v.length() - 1);
      }
      out.put(l.substring(0, colon).strip(), v);
    }
    return out;
  }

  /** A key's text, null when absent or empty; a value that is not text (a list, a mapping) is refused. */
  private static String text(JsonNode matter, String key, Path file) {
    JsonNode v = matter == null ? null : matter.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isValueNode()) {
      throw new OrchestraException(file + ": front matter '" + key + ":' must be text, not a " + (v.isArray() ? "list" : "mapping"));
    }
    // One line: it goes into a role's requests as "- name: description".
    String s = v.asText().strip().replaceAll("\\s*\\R\\s*", " ");
    return s.isEmpty() ? null : s;
  }
}
