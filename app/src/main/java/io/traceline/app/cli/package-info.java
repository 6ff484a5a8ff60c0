/** Small pieces shared by the commands: argument converters. */
package io.traceline.app.cli;
