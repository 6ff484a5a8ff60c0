/** Text renderings of timelines for terminals: the ASCII Gantt chart and one-line summaries. */
package io.traceline.app.render;
