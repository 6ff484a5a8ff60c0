package io.traceline.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceline.embedded.junit.OpenSearchExtension;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenSearch distribution from Maven Central, started as a child process: it serves documents
 * over HTTP, keeps them and its port across stop and restart, and leaves no process behind.
 */
@ExtendWith(OpenSearchExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class EmbeddedOpenSearchIT {

  @Test
  @Order(1)
  void servesTheDeclaredVersionOnLoopback(EmbeddedOpenSearch server) throws Exception {
    assertThat(server.httpUri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
    HttpResponse<String> root = server.send("GET", "/", null);
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.body())
        .containsPattern(
            "\"number\"\\s*:\\s*\"" + EmbeddedOpenSearch.VERSION.replace(".", "\\.") + "\"")
        .containsPattern("\"distribution\"\\s*:\\s*\"opensearch\"");
    assertThat(EmbeddedOpenSearch.VERSION).startsWith("2.19.");
    // The integ-test distribution has no security plugin: plain HTTP, no credentials.
    HttpResponse<String> plugins = server.send("GET", "/_cat/plugins", null);
    assertThat(plugins.statusCode()).isEqualTo(200);
    assertThat(plugins.body()).doesNotContain("security");
  }

  @Test
  @Order(2)
  void indexesADocumentAndKeepsItAndThePortAcrossStopAndRestart(EmbeddedOpenSearch server)
      throws Exception {
    HttpResponse<String> indexed =
        server.send(
            "PUT",
            "/traces/_doc/t-1?refresh=true",
            "{\"traceId\":\"t-1\",\"service\":\"orders-api\"}");
    assertThat(indexed.statusCode()).as(indexed.body()).isEqualTo(201);
    HttpResponse<String> read = server.send("GET", "/traces/_doc/t-1", null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).contains("\"found\":true", "\"service\":\"orders-api\"");

    int port = server.port();
    ProcessHandle before = server.process().orElseThrow();
    server.stop();
    assertThat(server.isRunning()).isFalse();
    assertThat(server.process()).isEmpty();
    assertThat(before.isAlive()).isFalse();
    assertThatThrownBy(() -> server.send("GET", "/", null)).isInstanceOf(ConnectException.class);

    server.restart();
    assertThat(server.isRunning()).isTrue();
    assertThat(server.port()).isEqualTo(port);
    assertThat(server.process().orElseThrow().pid()).isNotEqualTo(before.pid());
    HttpResponse<String> again = server.send("GET", "/traces/_doc/t-1", null);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(again.body()).contains("\"found\":true", "\"service\":\"orders-api\"");
  }

  @Test
  @Order(3)
  void closeLeavesNoProcessAndNoWorkDirectory(EmbeddedOpenSearch shared) throws Exception {
    // The shared server runs its JVM as a descendant of the started process (bash execs java;
    // as root under runuser): the check below covers that tree.
    List<ProcessHandle> tree = ChildProcesses.tree(shared.process().orElseThrow());
    assertThat(tree).anyMatch(p -> p.info().command().orElse("").endsWith("/bin/java"));

    EmbeddedOpenSearch own = EmbeddedOpenSearch.start(); // a second server, on other ports
    assertThat(own.port()).isNotEqualTo(shared.port());
    List<ProcessHandle> ownTree = ChildProcesses.tree(own.process().orElseThrow());
    Path workDir = own.workDir();
    assertThat(workDir.resolve("data")).isDirectory();
    assertThat(ownTree).allMatch(ProcessHandle::isAlive);
    own.close();
    own.close(); // idempotent
    assertThat(ownTree).noneMatch(ProcessHandle::isAlive);
    assertThat(own.isRunning()).isFalse();
    assertThatThrownBy(own::restart).isInstanceOf(IllegalStateException.class);
    assertThat(workDir).doesNotExist();
  }
}
