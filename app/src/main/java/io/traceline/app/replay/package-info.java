/** Offline input of {@code traceline replay}: raw subscription records read from saved files. */
package io.traceline.app.replay;
