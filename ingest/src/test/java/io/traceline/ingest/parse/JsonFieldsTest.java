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
