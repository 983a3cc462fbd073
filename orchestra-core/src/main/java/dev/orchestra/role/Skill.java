package dev.orchestra.role;

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
   * @throws OrchestraException naming the file and line when the front matter is missing or
   *     incomplete
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
    String name = null;
    String description = null;
    for (int i = 1; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.strip().equals("---")) {
        if (name == null || description == null) {
          throw new OrchestraException(
              file + ":" + (i + 1) + ": front matter needs 'name:' and 'description:'" + (name == null ? "; name is missing" : "; description is missing"));
        }
        return new Skill(name, description, file);
      }
      int colon = l.indexOf(':');
      if (colon > 0) {
        String key = l.substring(0, colon).strip();
        String value = unquote(l.substring(colon + 1).strip());
        if (key.equals("name")) {
          name = value;
        } else if (key.equals("description")) {
          description = value;
        }
      }
    }
    throw new OrchestraException(file + ":" + lines.size() + ": front matter is not closed with '---'");
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }
}
