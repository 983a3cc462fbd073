package dev.orchestra.internal.workspace;

import dev.orchestra.internal.workspace.WorkspaceToolBox.ToolError;
import dev.orchestra.model.ToolSpec;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Skill;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/** load_skill: the full instructions of one of the role's skills, by name. */
final class LoadSkillTool implements Tool {
  private static final ToolSpec SPEC =
      ToolSchema.object()
          .string("name")
          .spec(BuiltInRoles.TOOL_LOAD_SKILL, "Load the full instructions of one of your skills, by name.");

  private final List<Skill> skills;

  LoadSkillTool(List<Skill> skills) {
    this.skills = List.copyOf(skills);
  }

  @Override
  public ToolSpec spec() {
    return SPEC;
  }

  @Override
  public Result call(ToolArgs args) throws ToolError {
    String name = args.target(args.text("name"));
    for (Skill s : skills) {
      if (s.name().equals(name)) {
        try {
          return new Result(Files.readString(s.file(), StandardCharsets.UTF_8), "loaded");
        } catch (IOException e) {
          throw new ToolError("cannot read skill '" + name + "': " + e.getMessage());
        }
      }
    }
    throw new ToolError("no skill '" + name + "'; available: " + String.join(", ", skills.stream().map(Skill::name).toList()));
  }
}
