package io.traceline.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceline.model.EventKind;
import io.traceline.model.LogEvent;
import io.traceline.model.TraceIdFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RDS PostgreSQL and MySQL slow-query logs, lines verbatim from the reference (section 5.3). */
@Timeout(10)
class RdsParserTest {

  private static final String PG_GROUP = "/aws/rds/instance/mydb/postgresql";

  @Test
  void postgresSlowStatementWithTwoSpaces() {
    LogEvent e =
        Lines.parse(
            PG_GROUP,
            "2018-08-22 16:00:04"
                + " UTC:ec2-1-1-1-1.compute-1.amazonaws.com(48808):myuser@mydb:[18762]:LOG: "
                + " duration: 3668.685 ms  execute <unnamed>: SELECT 1");

    assertThat(e.kind()).isEqualTo(EventKind.DB_SLOW_QUERY);
    assertThat(e.durationMs()).isEqualTo(3668.685);
    assertThat(e.operation()).isEqualTo("SELECT");
    assertThat(e.service()).isEqualTo("mydb");
    assertThat(e.level()).isEqualTo("INFO");
    assertThat(e.attributes())
        .containsEntry("db", "mydb")
        .containsEntry("user", "myuser")
        .containsEntry("pid", "18762");
  }

  @Test
  void postgresStatementForm() {
    LogEvent e =
        Lines.parse(
            PG_GROUP,
            "2021-07-02 07:33:37 UTC:121.135.139.43(62170):inflab@antman:[9955]:LOG:  duration:"
                + " 3048.651 ms  statement:    select * from courses where deleted_at is null …");

    assertThat(e.durationMs()).isEqualTo(3048.651);
    assertThat(e.operation()).isEqualTo("SELECT");
  }

  @Test
  void postgresBackgroundLineWithEmptyUser() {
    LogEvent e =
        Lines.parse(PG_GROUP, "2023-10-30 21:01:17 UTC::@:[390]:LOG:  checkpoint starting: time");

    assertThat(e.kind()).isEqualTo(EventKind.APP);
    assertThat(e.level()).isEqualTo("INFO");
    assertThat(e.attributes()).doesNotContainKeys("user", "db").containsEntry("pid", "390");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          plain quotes | /*controller='orders',traceparent='00-6916f2828c41d2a7e5b03f19a6d4c2e1-5b8f2d1c9a3e7046-01'*/
          url-encoded  | /*controller='orders',traceparent=%2700-6916f2828c41d2a7e5b03f19a6d4c2e1-5b8f2d1c9a3e7046-01%27*/
          """)
  void sqlcommenterTraceparent(String name, String comment) {
    LogEvent e =
        Lines.parse(
            "/aws/rds/cluster/orders-db/postgresql",
            "2025-11-14 09:12:35 UTC:10.0.12.17(51234):orders_app@orders:[4242]:LOG:  duration:"
                + " 748.216 ms  execute <unnamed>: INSERT INTO orders (id, customer_id) VALUES ($1,"
                + " $2) "
                + comment);

    assertThat(e.traceId()).isEqualTo("6916f2828c41d2a7e5b03f19a6d4c2e1");
    assertThat(e.traceIdFormat()).isEqualTo(TraceIdFormat.W3C_TRACEPARENT);
    assertThat(e.spanId()).isEqualTo("5b8f2d1c9a3e7046");
    assertThat(e.operation()).isEqualTo("INSERT INTO orders");
    assertThat(e.service()).isEqualTo("orders-db");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          PG <= 15 | FATAL | remaining connection slots are reserved for non-replication superuser connections
          PG 16+   | FATAL | remaining connection slots are reserved for roles with the SUPERUSER attribute
          clients  | FATAL | sorry, too many clients already
          """)
  void poolAndConnectionErrors(String name, String level, String text) {
    LogEvent e =
        Lines.parse(
            PG_GROUP,
            "2025-11-14 09:12:36 UTC:10.0.12.17(51240):orders_app@orders:[4250]:"
                + level
                + ":  "
                + text);

    assertThat(e.kind()).isEqualTo(EventKind.APP);
    assertThat(e.level()).isEqualTo("FATAL");
    assertThat(e.error()).isEqualTo("TooManyConnections");
    assertThat(e.isError()).isTrue();
  }

  @Test
  void postgresStatementTimeout() {
    LogEvent e =
        Lines.parse(
            PG_GROUP,
            "2025-11-14 09:12:36 UTC:10.0.12.17(51240):orders_app@orders:[4250]:ERROR:  canceling"
                + " statement due to statement timeout");

    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.error()).isEqualTo("StatementTimeout");
  }

  @Test
  void mysqlSlowQueryBlock() {
    LogEvent e =
        Lines.parse(
            "/aws/rds/cluster/my-cluster/slowquery",
            "# Time: 2019-01-23T12:34:56.000000Z\n"
                + "# User@Host: root[root] @  [10.0.1.133]  Id:  1139\n"
                + "# Query_time: 10.955901  Lock_time: 0.000120 Rows_sent: 1  Rows_examined:"
                + " 11376188\n"
                + "SET timestamp=1568944318;\n"
                + "select sql_no_cache count(1) from (select * from salaries order by rand())"
                + " t1;\n");

    assertThat(e.kind()).isEqualTo(EventKind.DB_SLOW_QUERY);
    assertThat(e.durationMs()).isEqualTo(10955.901);
    assertThat(e.operation()).isEqualTo("SELECT");
    assertThat(e.service()).isEqualTo("my-cluster");
    assertThat(e.attributes())
        .containsEntry("user", "root")
        .containsEntry("rowsExamined", "11376188")
        .containsEntry("rowsSent", "1")
        .containsEntry("lockTimeMs", "0.12");
    assertThat(e.message()).startsWith("# Time:").endsWith("t1;");
  }

  @Test
  void mysqlSlowInsertWithSqlcommenter() {
    LogEvent e =
        Lines.parse(
            "/aws/rds/cluster/orders-db/slowquery",
            "# Time: 2025-11-14T09:12:35.873611Z\n"
                + "# User@Host: orders_app[orders_app] @  [10.0.12.17]  Id: 48211\n"
                + "# Query_time: 0.748216  Lock_time: 0.000094 Rows_sent: 0  Rows_examined: 0\n"
                + "SET timestamp=1763111555;\n"
                + "INSERT INTO orders (id, customer_id, total_cents, status) VALUES"
                + " ('ord_7QK2M9X4', 'cus_19F2', 4599, 'PENDING')"
                + " /*traceparent='00-6916f2828c41d2a7e5b03f19a6d4c2e1-5b8f2d1c9a3e7046-01'*/;");

    assertThat(e.durationMs()).isEqualTo(748.216);
    assertThat(e.operation()).isEqualTo("INSERT INTO orders");
    assertThat(e.traceId()).isEqualTo("6916f2828c41d2a7e5b03f19a6d4c2e1");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          SELECT 1                                          | SELECT
          /* app */ select * from t                         | SELECT
          insert into "Orders" (a) values (1)               | INSERT INTO Orders
          UPDATE orders SET status = 'PAID' WHERE id = $1   | UPDATE orders
          delete from public.sessions where x < now()       | DELETE FROM public.sessions
          WITH recent AS (SELECT 1) SELECT * FROM recent    | WITH
          (select 1)                                        | SELECT
          BEGIN                                             | BEGIN
          """)
  void sqlOperation(String statement, String operation) {
    assertThat(RdsParser.sqlOperation(statement)).isEqualTo(operation);
  }
}
