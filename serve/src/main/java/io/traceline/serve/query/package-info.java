/**
 * The read side over OpenSearch: what the UI and the API ask (search criteria, time ranges), the
 * OpenSearch queries that answer it ({@link io.traceline.serve.query.Queries}, pure), and {@link
 * io.traceline.serve.query.TimelineReader}, which runs them and shapes the answers.
 */
package io.traceline.serve.query;
