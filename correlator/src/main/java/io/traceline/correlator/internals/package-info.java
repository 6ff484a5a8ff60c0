/** The correlator's processor, its state layout and clock; not an API. */
package io.traceline.correlator.internals;
