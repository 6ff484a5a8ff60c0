/** Pure timeline assembly: segments, call structure, self time, gaps, bottleneck, flags. */
package io.traceline.correlator.assemble;
