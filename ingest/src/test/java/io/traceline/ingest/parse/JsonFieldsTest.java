package io.traceline.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.traceline.model.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link JsonFields} answers what a {@code JsonNode} tree ({@code readTree}, as the parsers used
 * before) answers for the kept members: presence, text, type, numbers, at any depth.
 */
@Timeout(10)
class JsonFieldsTest {

  private static final List<String> NAMES =
      List.of("a", "b", "level", "log", "trace", "id", "metrics", "durationMs", "message");
  private static final JsonFields FIELDS = new JsonFields(NAMES);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "{\"a\":\"x\",\"b\":\"y\",\"other\":\"z\"}",
        "{\"a\":1,\"b\":-2,\"level\":30,\"durationMs\":12.5}",
        "{\"a\":2147483648,\"b\":12345678901234567890123,\"durationMs\":-0}",
        "{\"a\":1.50,\"b\":1e3,\"durationMs\":1E400,\"level\":-1.0e-5,\"id\":0.1}",
        "{\"a\":true,\"b\":false,\"level\":null,\"log\":[1,2,{\"a\":1}]}",
        "{\"a\":\" 12.5 \",\"durationMs\":\"-\",\"level\":\" \",\"b\":\"\"}",
        "{\"a\":\"x\",\"a\":\"y\",\"trace\":{\"id\":\"1\"},\"trace\":\"2\"}",
        "{\"trace\":\"2\",\"trace\":{\"id\":\"1\",\"x\":[{}]}}",
        "{\"metrics\":{\"durationMs\":1.0,\"a\":{\"b\":{\"level\":\"info\"}}},\"x\":{\"a\":1}}",
        "{\"log\":\"{\\\"level\\\":\\\"warn\\\"}\",\"message\":\"caf\\u00e9 \\\"q\\\"\"}",
        "{\"other\":{\"deep\":[[[{\"a\":[1.5e2, -7]}]]]},\"a\":\"after\"}",
        "{\"a\":\"x\"} trailing text",
        "{\"a\":\"x\"}{\"b\":1}",
        "  {\"a\" : \"spaced\" ,\n \"b\" : 2 }  ",
        "{\"a\":\"x\",}",
        "{\"a\":-}",
        "{\"a\":\"x\"",
        "{\"a\":\"unterminated}",
        "{\"a\":\"bad \\q escape\"}",
        "{\"other\":\"bad \\q escape\",\"a\":1}",
        "{\"other\":[1,2,}",
        "{\"other\":NaN}",
        "{\"other\":01}",
        "{a:1}",
        "{'a':1}",
        "[{\"a\":1}]",
        "\"a\"",
        "null",
        "",
        "   ",
        "{\"a\":1}}",
      })
  void answersAsTheTreeDoes(String json) {
    JsonNode tree = tree(json);
    JsonFields.Obj obj = FIELDS.read(json);
    if (tree == null) {
      assertThat(obj).as(json).isNull();
      return;
    }
    assertThat(obj).as(json).isNotNull();
    assertSame(json, tree, obj);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\":\"caf\u00e9 \u4e2d\u6587 \ud83d\ude00\",\"b\":\"\u00e9\"}",
        "{\"\u00e9\":1,\"a\":\"\u00ff\u0100\"}",
        "{\"a\":\"lone \ud800 surrogate\",\"b\":\"x\"}",
        "{\"a\":\"lone low \udc00\"}",
        "{\"a\":\"ends high \ud83d\"}",
        "\ufeff{\"a\":1}",
        "{\u0000\"a\":1}",
        "{\"a\":\"\u0000\"}",
        "{\"a\":\"\\u0000 escaped\"}",
        "{\"a\":\"\\ud800 escaped lone\",\"b\":\"\\ud83d\\ude00\"}",
        "{\"a\":\"tab\tin string\"}",
      })
  void textOutsideAsciiAnswersAsTheTreeDoes(String json) {
    // read as UTF-8 bytes, except text UTF-8 cannot carry (lone surrogates): read as chars
    answersAsTheTreeDoes(json);
  }

  @Test
  void utf8EncodingTakesWellFormedTextOnly() {
    JsonFields.Utf8 utf8 = new JsonFields.Utf8();

    assertThat(utf8.encode("{}")).isEqualTo(2);
    assertThat(utf8.encode("\u00e9\u4e2d\ud83d\ude00")).isEqualTo(2 + 3 + 4);
    assertThat(new String(utf8.bytes, 0, 9, StandardCharsets.UTF_8))
        .isEqualTo("\u00e9\u4e2d\ud83d\ude00");
    assertThat(utf8.encode("a\ud800b")).isEqualTo(-1);
    assertThat(utf8.encode("a\udc00")).isEqualTo(-1);
    assertThat(utf8.encode("x".repeat(JsonFields.Utf8.MAX_CHARS + 1))).isEqualTo(-1);
    assertThat(utf8.encode("x".repeat(JsonFields.Utf8.MAX_CHARS)))
        .isEqualTo(JsonFields.Utf8.MAX_CHARS);
  }

  @Test
  void textTooLongForTheByteBufferAnswersAsTheTreeDoes() {
    String padding = "x".repeat(JsonFields.Utf8.MAX_CHARS);
    String json = "{\"a\":\"" + padding + "\",\"b\":\"caf\u00e9\",\"level\":30}";

    answersAsTheTreeDoes(json);
    assertThat(FIELDS.read(json).text(FIELDS.id("a"))).isEqualTo(padding);
  }

  @Test
  void textLongerThanBeforeGrowsTheThreadsBuffers() {
    for (int length : new int[] {10, 5_000, 3_000, 40_000, 20}) {
      String json = "{\"a\":\"" + "\u00e9".repeat(length) + "\",\"b\":" + length + "}";
      answersAsTheTreeDoes(json);
    }
  }

  @Test
  void deepNestingIsRejectedAsByTheTree() {
    String deep = "{\"a\":" + "[".repeat(1500) + "]".repeat(1500) + "}";
    assertThat(tree(deep)).isNull();
    assertThat(FIELDS.read(deep)).isNull();
    String deepKept = "{\"a\":" + "{\"a\":".repeat(1500) + "1" + "}".repeat(1501);
    assertThat(tree(deepKept)).isNull();
    assertThat(FIELDS.read(deepKept)).isNull();
  }

  @Test
  void tooLongNumberIsRejectedAsByTheTree() {
    String json = "{\"other\":1" + "0".repeat(1200) + ",\"a\":1}";
    assertThat(FIELDS.read(json) == null).isEqualTo(tree(json) == null);
  }

  @Test
  void emptyObjectAnswersNothing() {
    JsonFields.Obj empty = FIELDS.empty();
    for (String name : NAMES) {
      int id = FIELDS.id(name);
      assertThat(empty.has(id)).isFalse();
      assertThat(empty.text(id)).isNull();
      assertThat(empty.number(id)).isNull();
    }
  }

  private static final JsonFields KV_FIELDS =
      new JsonFields(
          List.of("attributes", "resource", "a"),
          List.of("service.name", "http.status", "ok", "ratio", "a"),
          List.of("attributes"));

  @Test
  void rareNamesAnswerInObjectsWithAndWithoutThem() {
    int a = KV_FIELDS.id("a");
    int ok = KV_FIELDS.id("ok");
    assertThat(ok).isGreaterThan(a); // rare names come last; a name given twice keeps its slot

    JsonFields.Obj without = KV_FIELDS.read("{\"a\":1,\"resource\":{\"a\":2}}");
    assertThat(without.has(ok)).isFalse();
    assertThat(without.text(ok)).isNull();
    assertThat(without.number(ok)).isNull();
    assertThat(without.first(new int[] {ok, a})).isEqualTo("1");
    assertThat(without.object(KV_FIELDS.id("resource")).has(ok)).isFalse();

    JsonFields.Obj with =
        KV_FIELDS.read("{\"ok\":true,\"a\":1,\"resource\":{\"ratio\":0.5,\"a\":2},\"ratio\":3}");
    assertThat(with.text(ok)).isEqualTo("true");
    assertThat(with.text(a)).isEqualTo("1");
    assertThat(with.number(KV_FIELDS.id("ratio"))).isEqualTo(3.0);
    assertThat(with.object(KV_FIELDS.id("resource")).number(KV_FIELDS.id("ratio"))).isEqualTo(0.5);
    assertThat(with.object(KV_FIELDS.id("resource")).text(a)).isEqualTo("2");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"attributes\":[]}",
        "{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"cart\"}}]}",
        "{\"attributes\":[1,\"x\",null,[{\"key\":\"a\"}],{\"key\":2,\"value\":[]}],\"a\":1}",
        "{\"attributes\":{\"service.name\":\"a map\"},\"a\":[{\"key\":\"a\"}]}",
        "{\"attributes\":[{\"key\":\"a\",\"value\":{\"stringValue\":\"x\"}}",
        "{\"attributes\":[{\"key\":\"a\",\"value\":{\"stringValue\":\"x\"},]}",
        "{\"attributes\":[{\"key\":\"a\" \"value\":{}}]}",
        "{\"attributes\":[{\"value\":{\"stringValue\":NaN},\"key\":\"a\"}]}",
        "{\"resource\":{\"attributes\":[{\"key\":\"a\",\"value\":{\"boolValue\":true}}]}}",
      })
  void keyValueListsAcceptWhatTheTreeAccepts(String json) {
    JsonNode tree = tree(json);
    JsonFields.Obj obj = KV_FIELDS.read(json);
    assertThat(obj == null).as(json).isEqualTo(tree == null);
    if (obj != null) {
      // a key-value list is still only "present" to the other accessors, as an array in the tree
      int attributes = KV_FIELDS.id("attributes");
      assertThat(obj.has(attributes)).isEqualTo(tree.has("attributes"));
      assertThat(obj.text(attributes)).isNull();
      assertThat(obj.object(attributes) != null).isEqualTo(tree.path("attributes").isObject());
      assertThat(obj.keyValues(attributes) != null).isEqualTo(tree.path("attributes").isArray());
    }
  }

  @Test
  void tooLongNumberInAKeyValueListIsRejectedAsByTheTree() {
    String json =
        "{\"attributes\":[{\"key\":\"a\",\"value\":{\"intValue\":1" + "0".repeat(1200) + "}}]}";
    assertThat(tree(json)).isNull();
    assertThat(KV_FIELDS.read(json)).isNull();
  }

  @Test
  void keyValueListReadsTheScalarOfEachKeptKey() {
    String json =
        "{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"cart\"}},"
            + "{\"value\":{\"intValue\":\"503\"},\"key\":\"http.status\"},"
            + "{\"key\":\"ok\",\"value\":{\"boolValue\":false}},"
            + "{\"key\":\"ratio\",\"value\":{\"doubleValue\":0.25}},"
            + "{\"key\":\"a\",\"value\":{\"arrayValue\":{\"values\":[{\"intValue\":1}]}}},"
            + "{\"key\":\"not.kept\",\"value\":{\"stringValue\":\"x\"}},"
            + "{\"key\":\"resource\",\"value\":{\"kvlistValue\":{\"values\":[]}}}]}";

    JsonFields.Obj kv = KV_FIELDS.read(json).keyValues(KV_FIELDS.id("attributes"));

    assertThat(kv.text(KV_FIELDS.id("service.name"))).isEqualTo("cart");
    assertThat(kv.text(KV_FIELDS.id("http.status"))).isEqualTo("503");
    assertThat(kv.number(KV_FIELDS.id("http.status"))).isEqualTo(503.0);
    assertThat(kv.text(KV_FIELDS.id("ok"))).isEqualTo("false");
    assertThat(kv.number(KV_FIELDS.id("ratio"))).isEqualTo(0.25);
    assertThat(kv.has(KV_FIELDS.id("a"))).isTrue(); // present, no scalar
    assertThat(kv.text(KV_FIELDS.id("a"))).isNull();
    assertThat(kv.object(KV_FIELDS.id("resource"))).isNull();
  }

  @Test
  void arraysUnderOtherNamesStayUnread() {
    JsonFields.Obj obj =
        FIELDS.read("{\"log\":[{\"key\":\"a\",\"value\":{\"stringValue\":\"x\"}}]}");

    assertThat(obj.has(FIELDS.id("log"))).isTrue();
    assertThat(obj.keyValues(FIELDS.id("log"))).isNull();
  }

  private static void assertSame(String json, JsonNode tree, JsonFields.Obj obj) {
    for (String name : NAMES) {
      int id = FIELDS.id(name);
      JsonNode value = tree.get(name);
      String what = json + " ." + name;
      assertThat(obj.has(id)).as(what).isEqualTo(tree.has(name));
      assertThat(obj.text(id)).as(what).isEqualTo(text(value));
      assertThat(JsonFields.Obj.text(obj.get(id))).as(what).isEqualTo(text(value));
      assertThat(obj.string(id))
          .as(what)
          .isEqualTo(value != null && value.isTextual() ? value.asText() : null);
      assertThat(obj.number(id)).as(what).isEqualTo(number(value));
      assertThat(obj.integral(id) != null)
          .as(what)
          .isEqualTo(value != null && value.isIntegralNumber());
      if (obj.integral(id) != null) {
        assertThat(obj.integral(id).asInt()).as(what).isEqualTo(value.asInt());
      }
      assertThat(obj.first(new int[] {id}))
          .as(what)
          .isEqualTo(Fields.present(text(value)) ? text(value) : null);
      assertThat(obj.object(id) != null).as(what).isEqualTo(value != null && value.isObject());
      if (obj.object(id) != null) {
        assertSame(json, value, obj.object(id));
      }
    }
  }

  private static JsonNode tree(String json) {
    try {
      JsonNode node = Json.MAPPER.reader().readTree(json);
      return node != null && node.isObject() ? node : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static String text(JsonNode value) {
    if (value == null || value.isNull() || value.isContainerNode()) {
      return null;
    }
    return value.asText();
  }

  private static Double number(JsonNode value) {
    if (value == null) {
      return null;
    }
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isTextual()) {
      return Numbers.decimal(value.asText().trim());
    }
    return null;
  }
}
