package io.traceline.app.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a Dockerfile's instructions: enough of the format to check what a build copies and runs.
 */
final class Dockerfiles {

  /**
   * One instruction.
   *
   * @param keyword upper case ({@code FROM}, {@code COPY}, ...)
   * @param arguments the rest of the instruction, continuation lines joined
   */
  record Instruction(String keyword, String arguments) {

    /** The arguments split on white space, without {@code --flag=value} options. */
    List<String> words() {
      List<String> words = new ArrayList<>();
      for (String word : arguments.trim().split("\\s+", -1)) {
        if (!word.startsWith("--")) {
          words.add(word);
        }
      }
      return words;
    }
  }

  private Dockerfiles() {}

  static List<Instruction> read(Path dockerfile) throws IOException {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(dockerfile)) {
      String trimmed = line.trim();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      String text = current.toString().trim();
      current.setLength(0);
      if (text.isEmpty()) {
        continue;
      }
      int space = text.indexOf(' ');
      instructions.add(
          new Instruction(
              text.substring(0, space < 0 ? text.length() : space).toUpperCase(Locale.ROOT),
              space < 0 ? "" : text.substring(space + 1).trim()));
    }
    return instructions;
  }

  /** The images the stages start from (not earlier stages of the same file). */
  static List<String> baseImages(Path dockerfile) throws IOException {
    List<String> images = new ArrayList<>();
    Set<String> stages = new HashSet<>();
    for (Instruction instruction : read(dockerfile)) {
      if (instruction.keyword().equals("FROM")) {
        List<String> words = instruction.words();
        if (!stages.contains(words.get(0))) {
          images.add(words.get(0));
        }
        if (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")) {
          stages.add(words.get(2));
        }
      }
    }
    return images;
  }

  /** The instructions of the last stage: what the image is. */
  static List<Instruction> finalStage(Path dockerfile) throws IOException {
    List<Instruction> all = read(dockerfile);
    int from = 0;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).keyword().equals("FROM")) {
        from = i;
      }
    }
    return all.subList(from, all.size());
  }
}
