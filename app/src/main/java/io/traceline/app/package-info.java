/** The {@code traceline} executable: CLI, wiring of the stages, the embedded demo, replay. */
package io.traceline.app;
