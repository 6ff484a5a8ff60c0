package io.traceline.app.demo;

import java.util.Locale;

/** The shop API's routes, with what each one does downstream. */
enum Route {
  CREATE_ORDER(
      "POST",
      "/orders",
      0.40,
      201,
      "reserve stock",
      "UPDATE inventory SET reserved = reserved + $1 WHERE sku = $2 AND available - reserved >= $1"
          + " RETURNING available - reserved",
      true,
      true),
  GET_ORDER(
      "GET",
      "/orders/{orderId}",
      0.35,
      200,
      "fetch order",
      "SELECT o.id, o.status, o.total_cents, i.sku, i.qty FROM orders o JOIN order_items i ON"
          + " i.order_id = o.id WHERE o.id = $1",
      true,
      false),
  LIST_PRODUCTS(
      "GET",
      "/products",
      0.25,
      200,
      "list products",
      "SELECT id, name, price_cents, available FROM products WHERE active ORDER BY name LIMIT 50",
      false,
      false);

  private final String method;
  private final String resourcePath;
  private final double weight;
  private final int status;
  private final String inventoryMessage;
  private final String statement;
  private final boolean canQuerySlowly;
  private final boolean callsPayments;

  Route(
      String method,
      String resourcePath,
      double weight,
      int status,
      String inventoryMessage,
      String statement,
      boolean canQuerySlowly,
      boolean callsPayments) {
    this.method = method;
    this.resourcePath = resourcePath;
    this.weight = weight;
    this.status = status;
    this.inventoryMessage = inventoryMessage;
    this.statement = statement;
    this.canQuerySlowly = canQuerySlowly;
    this.callsPayments = callsPayments;
  }

  static Route pick(Dice dice) {
    double roll = dice.uniform(0, 1);
    double cumulative = 0;
    for (Route route : values()) {
      cumulative += route.weight;
      if (roll < cumulative) {
        return route;
      }
    }
    return LIST_PRODUCTS;
  }

  String method() {
    return method;
  }

  String resourcePath() {
    return resourcePath;
  }

  /** {@code POST /orders}: the route key the ground truth and the summary use. */
  String key() {
    return method + " " + resourcePath;
  }

  /** The path without the stage, with the order id filled in. */
  String path(String orderId) {
    return resourcePath.replace("{orderId}", orderId);
  }

  int successStatus() {
    return status;
  }

  String inventoryMessage() {
    return inventoryMessage;
  }

  String statement() {
    return statement;
  }

  /** The statement's verb and table, as the app logs it: {@code UPDATE inventory}. */
  String statementSummary() {
    return switch (this) {
      case CREATE_ORDER -> "UPDATE inventory";
      case GET_ORDER -> "SELECT orders";
      case LIST_PRODUCTS -> "SELECT products";
    };
  }

  /** Whether its statement can hit the slow-query fault ({@code GET /products} is cached). */
  boolean canQuerySlowly() {
    return canQuerySlowly;
  }

  /** Whether inventory-svc calls the third-party payment provider for it. */
  boolean callsPayments() {
    return callsPayments;
  }

  /** The operation name Lambda logs when it calls inventory-svc. */
  String operation() {
    return name().toLowerCase(Locale.ROOT);
  }
}
