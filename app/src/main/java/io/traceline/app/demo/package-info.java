/**
 * The synthetic web-shop workload of {@code traceline demo}: API Gateway, Lambda, ECS and RDS log
 * lines delivered exactly as a CloudWatch Logs subscription filter would deliver them.
 */
package io.traceline.app.demo;
