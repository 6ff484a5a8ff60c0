/** {@code traceline trace}: one request's timeline, found by its trace id in any supported form. */
package io.traceline.app.trace;
