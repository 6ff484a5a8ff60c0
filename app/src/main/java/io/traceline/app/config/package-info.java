/**
 * One way to configure every stage: a YAML (or {@code .properties}) file, environment variables and
 * flags, bound to the stage's settings record and validated with every problem listed at once.
 *
 * <p>A stage command includes the {@link io.traceline.app.config.ConfigOptions} mixin, maps its
 * flags onto keys with {@link io.traceline.app.config.FlagOverrides}, and calls {@code
 * config.load(MyStageConfig.class, flags)}. Precedence: defaults (the record's {@code defaults()})
 * &lt; file &lt; environment ({@code TRACELINE_<SECTION>_<KEY>}) &lt; flags. The rules (names,
 * pass-through maps, required keys, the records' {@code problems()}) are on {@link
 * io.traceline.app.config.ConfigLoader}; the user's view is {@code docs/configuration.md}.
 */
package io.traceline.app.config;
