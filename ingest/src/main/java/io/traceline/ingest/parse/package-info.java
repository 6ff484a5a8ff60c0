/** Pure line parsers: one CloudWatch log event in, one normalised LogEvent out; stitching. */
package io.traceline.ingest.parse;
