package io.traceline.app.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the shared third-party datasets: {@code shared/datasets} beside the project's root (tests
 * run with a module folder as working directory, so the search walks up).
 */
final class Datasets {

  private Datasets() {}

  /** The folder of one dataset, when the datasets are present beside the project. */
  static Optional<Path> find(String name) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("datasets").resolve(name);
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
