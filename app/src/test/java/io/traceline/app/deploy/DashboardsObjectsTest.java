package io.traceline.app.deploy;

import static io.traceline.app.deploy.Stages.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.traceline.model.FlagType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * deploy/opensearch-dashboards/traceline.ndjson, checked against what the sink writes: the index
 * patterns cover the sink's aliases and indices, and every field a search or visualization shows,
 * sorts or aggregates on is in the index template's mapping with a type that allows it.
 */
@Timeout(60)
class DashboardsObjectsTest {

  private static final Path FILE = ROOT.resolve("deploy/opensearch-dashboards/traceline.ndjson");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> JSON_ATTRIBUTES =
      Set.of("visState", "uiStateJSON", "panelsJSON", "optionsJSON", "searchSourceJSON");
  private static final Set<String> TYPES =
      Set.of("index-pattern", "search", "visualization", "dashboard");
  private static final Set<String> NUMERIC = Set.of("long", "integer", "double", "float");
  private static final List<String> TEMPLATES =
      List.of("traceline-timelines", "traceline-alerts", "traceline-service-edges");

  /** The objects by "type/id". */
  private static final Map<String, JsonNode> OBJECTS = new LinkedHashMap<>();

  /** The sink's index templates by alias. */
  private static final Map<String, JsonNode> MAPPINGS = new LinkedHashMap<>();

  @BeforeAll
  static void read() throws IOException {
    for (String line : Files.readAllLines(FILE)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode object = JSON.readTree(line);
      String key = object.path("type").asText() + "/" + object.path("id").asText();
      assertThat(OBJECTS.put(key, object)).as("one object " + key).isNull();
    }
    for (String alias : TEMPLATES) {
      try (InputStream in =
          DashboardsObjectsTest.class.getResourceAsStream("/opensearch/" + alias + ".json")) {
        assertThat(in).as("the sink's index template " + alias).isNotNull();
        MAPPINGS.put(alias, JSON.readTree(in));
      }
    }
  }

  @Test
  void objectsAreWellFormedAndTheirReferencesResolve() throws IOException {
    assertThat(OBJECTS).isNotEmpty();
    for (Map.Entry<String, JsonNode> entry : OBJECTS.entrySet()) {
      JsonNode object = entry.getValue();
      assertThat(object.path("type").asText()).as(entry.getKey()).isIn(TYPES);
      assertThat(object.path("attributes").path("title").asText()).as(entry.getKey()).isNotEmpty();
      Set<String> names = new HashSet<>();
      for (JsonNode reference : object.path("references")) {
        String target = reference.path("type").asText() + "/" + reference.path("id").asText();
        assertThat(OBJECTS).as(entry.getKey() + " refers to " + target).containsKey(target);
        names.add(reference.path("name").asText());
      }
      List<String> used = new ArrayList<>();
      refNames(attributes(object), used);
      assertThat(names).as(entry.getKey() + ": every *RefName names a reference").containsAll(used);
      assertThat(used).as(entry.getKey() + ": every reference is used").containsAll(names);
    }
  }

  @Test
  void indexPatternsCoverWhatTheSinkWrites() {
    for (String alias : TEMPLATES) {
      JsonNode pattern = OBJECTS.get("index-pattern/" + alias);
      assertThat(pattern).as("an index pattern for " + alias).isNotNull();
      String title = pattern.path("attributes").path("title").asText();
      Pattern glob = Pattern.compile(Pattern.quote(title).replace("*", "\\E.*\\Q"));
      JsonNode template = MAPPINGS.get(alias);
      assertThat(template.path("template").path("aliases").has(alias)).isTrue();
      assertThat(glob.matcher(alias).matches()).as(title + " matches the alias").isTrue();
      for (JsonNode indices : template.path("index_patterns")) {
        String monthly = indices.asText().replace("*", "2025.11");
        assertThat(glob.matcher(monthly).matches()).as(title + " matches " + monthly).isTrue();
      }
      String time = pattern.path("attributes").path("timeFieldName").asText();
      assertThat(field(alias, time).path("type").asText())
          .as(alias + " time field " + time)
          .isEqualTo("date");
    }
  }

  @Test
  void searchesShowAndSortOnMappedFields() {
    for (JsonNode search : ofType("search")) {
      String alias = indexOf(search);
      for (JsonNode column : search.path("attributes").path("columns")) {
        field(alias, column.asText());
      }
      for (JsonNode sort : search.path("attributes").path("sort")) {
        JsonNode sorted = field(alias, sort.get(0).asText());
        assertThat(sorted.path("type").asText()).as("sortable " + sort).isNotIn("text", "nested");
      }
    }
  }

  @Test
  void visualizationsAggregateOnFieldsThatAllowIt() throws IOException {
    List<JsonNode> visualizations = ofType("visualization");
    assertThat(visualizations).isNotEmpty();
    for (JsonNode visualization : visualizations) {
      String alias = indexOf(visualization);
      JsonNode state = JSON.readTree(visualization.path("attributes").path("visState").asText());
      assertThat(state.path("title").asText())
          .isEqualTo(visualization.path("attributes").path("title").asText());
      for (JsonNode agg : state.path("aggs")) {
        String type = agg.path("type").asText();
        if (type.equals("count")) {
          continue;
        }
        String where =
            visualization.path("id").asText()
                + " "
                + type
                + " on "
                + agg.path("params").path("field");
        String mapped =
            field(alias, agg.path("params").path("field").asText()).path("type").asText();
        switch (type) {
          case "date_histogram" -> assertThat(mapped).as(where).isEqualTo("date");
          case "terms" -> assertThat(mapped).as(where).isEqualTo("keyword");
          case "sum", "max", "min", "avg" -> assertThat(mapped).as(where).isIn(NUMERIC);
          default -> throw new AssertionError(where + ": an aggregation this test does not know");
        }
      }
    }
  }

  @Test
  void theOutlierViewSelectsTheLearnedBaselineFlags() throws IOException {
    JsonNode outliers = OBJECTS.get("search/traceline-outliers");
    assertThat(outliers).isNotNull();
    assertThat(indexOf(outliers)).isEqualTo("traceline-alerts");
    JsonNode source =
        JSON.readTree(
            outliers
                .path("attributes")
                .path("kibanaSavedObjectMeta")
                .path("searchSourceJSON")
                .asText());
    String query = source.path("query").path("query").asText();
    assertThat(source.path("query").path("language").asText()).isEqualTo("kuery");
    assertThat(field("traceline-alerts", "flags").path("type").asText())
        .as("flags are nested, so the query must use DQL's nested form")
        .isEqualTo("nested");
    assertThat(query)
        .startsWith("flags:{")
        .contains(FlagType.LATENCY_OUTLIER.name())
        .contains(FlagType.SEGMENT_OUTLIER.name());
  }

  @Test
  void theDashboardShowsTheOtherObjects() throws IOException {
    List<JsonNode> dashboards = ofType("dashboard");
    assertThat(dashboards).hasSize(1);
    JsonNode panels =
        JSON.readTree(dashboards.get(0).path("attributes").path("panelsJSON").asText());
    assertThat(panels.size()).isEqualTo(ofType("search").size() + ofType("visualization").size());
  }

  /** The alias of the sink index an object reads, directly or through its saved search. */
  private static String indexOf(JsonNode object) {
    for (JsonNode reference : object.path("references")) {
      String target = reference.path("type").asText() + "/" + reference.path("id").asText();
      if (reference.path("type").asText().equals("index-pattern")) {
        String id = reference.path("id").asText();
        assertThat(MAPPINGS).as(object.path("id") + " reads a sink index").containsKey(id);
        return id;
      }
      if (reference.path("type").asText().equals("search")) {
        return indexOf(OBJECTS.get(target));
      }
    }
    throw new AssertionError(object.path("id") + " reads no index pattern");
  }

  /** The mapping of a dotted field, through objects and nested objects. */
  private static JsonNode field(String alias, String path) {
    JsonNode node = MAPPINGS.get(alias).path("template").path("mappings");
    for (String name : path.split("\\.", -1)) {
      node = node.path("properties").path(name);
    }
    assertThat(node.isMissingNode()).as(alias + " maps " + path).isFalse();
    return node;
  }

  /** The attributes, with the JSON kept in strings parsed (each must parse). */
  private static JsonNode attributes(JsonNode object) throws IOException {
    JsonNode attributes = object.path("attributes").deepCopy();
    expand(attributes);
    return attributes;
  }

  private static void expand(JsonNode node) throws IOException {
    if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        if (JSON_ATTRIBUTES.contains(field.getKey())) {
          field.setValue(JSON.readTree(field.getValue().asText()));
        }
        expand(field.getValue());
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        expand(element);
      }
    }
  }

  private static void refNames(JsonNode node, List<String> names) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (field.getKey().endsWith("RefName")) {
          names.add(field.getValue().asText());
        }
        refNames(field.getValue(), names);
      }
    } else if (node.isArray()) {
      node.forEach(element -> refNames(element, names));
    }
  }

  private static List<JsonNode> ofType(String type) {
    return OBJECTS.values().stream().filter(o -> o.path("type").asText().equals(type)).toList();
  }
}
