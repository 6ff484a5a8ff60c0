package io.traceline.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The arrows of the architecture, checked on the compiled classes of every module (the enforcer
 * rules check the declared dependencies; this checks what the code really uses): app -> {ingest,
 * correlator, sink} -> model, nothing reaches into another module's internals.
 */
@Timeout(60)
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // test jars of other modules (their fixtures) are tests too
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.traceline");
    // The rules below are only as good as what they see: every module's classes.
    for (String name :
        List.of(
            "io.traceline.model.LogEvent",
            "io.traceline.ingest.RecordProcessor",
            "io.traceline.correlator.internals.TraceCorrelatorProcessor",
            "io.traceline.sink.JsonLinesTimelineWriter",
            "io.traceline.embedded.EmbeddedKafka",
            "io.traceline.app.Traceline")) {
      assertThat(classes.contain(name)).as(name).isTrue();
    }
  }

  @Test
  void theModelIsPlainJavaAndJackson() {
    noClasses()
        .that()
        .resideInAPackage("io.traceline.model..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..",
            "software.amazon..",
            "org.opensearch..",
            "io.micrometer..",
            "io.traceline.ingest..",
            "io.traceline.correlator..",
            "io.traceline.sink..",
            "io.traceline.app..")
        .check(classes);
  }

  @Test
  void theCorrelatorKnowsNothingOfAwsOpenSearchOrTheOtherStages() {
    noClasses()
        .that()
        .resideInAPackage("io.traceline.correlator..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "software.amazon..",
            "org.opensearch..",
            "io.traceline.ingest..",
            "io.traceline.sink..",
            "io.traceline.app..")
        .check(classes);
  }

  @Test
  void ingestKnowsNothingOfKafkaStreamsOrTheOtherStages() {
    noClasses()
        .that()
        .resideInAPackage("io.traceline.ingest..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka.streams..",
            "org.opensearch..",
            "io.traceline.correlator..",
            "io.traceline.sink..",
            "io.traceline.app..")
        .check(classes);
  }

  @Test
  void theSinkKnowsNothingOfTheOtherStages() {
    noClasses()
        .that()
        .resideInAPackage("io.traceline.sink..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.traceline.ingest..", "io.traceline.correlator..", "io.traceline.app..")
        .check(classes);
  }

  @Test
  void onlyTheCorrelatorUsesItsInternals() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.traceline.correlator..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.traceline.correlator.internals..")
        .check(classes);
  }

  @Test
  void theEmbeddedServersAreUsedOnlyByTheApp() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.traceline.model..",
            "io.traceline.ingest..",
            "io.traceline.correlator..",
            "io.traceline.sink..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.traceline.embedded..")
        .check(classes);
  }

  @Test
  void theConfigMechanismKnowsNoStage() {
    // Every stage's command uses it; it must not grow a dependency on one of them.
    noClasses()
        .that()
        .resideInAPackage("io.traceline.app.config..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.traceline.ingest..",
            "io.traceline.correlator..",
            "io.traceline.sink..",
            "io.traceline.embedded..",
            "org.apache.kafka..",
            "software.amazon..",
            "io.traceline.app.correlate..",
            "io.traceline.app.cloudwatch..",
            "io.traceline.app.demo..",
            "io.traceline.app.replay..")
        .check(classes);
  }
}
