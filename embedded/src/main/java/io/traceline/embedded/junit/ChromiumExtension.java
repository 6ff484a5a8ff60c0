package io.traceline.embedded.junit;

import io.traceline.embedded.HeadlessChromium;

/**
 * Gives a JUnit 5 test class a real headless browser: one {@link HeadlessChromium} per test class,
 * started before the first test (and before the class's own {@code @BeforeAll} methods) and closed
 * after the last one, injected as a parameter of type {@link HeadlessChromium}:
 *
 * <pre>{@code
 * @ExtendWith(ChromiumExtension.class)
 * @Timeout(120)
 * class TimelinePageIT {
 *   @Test
 *   void showsTheTimeline(HeadlessChromium chromium) {
 *     chromium.driver().get(baseUrl + "/trace/1-6916f282-8c41d2a7e5b03f19a6d4c2e1");
 *     // ...
 *     chromium.screenshot("timeline-page");
 *   }
 * }
 * }</pre>
 *
 * <p>The tests of a class share the browser (its cookies, storage and open page), so each test
 * should navigate to the page it checks. The extension owns the browser; tests must not close it
 * nor quit its driver. A {@code @Nested} class uses the browser of its enclosing class.
 *
 * <p>Needs Selenium's {@code selenium-chrome-driver} on the test class path (an optional dependency
 * of this module) and Debian's {@code chromium} and {@code chromium-driver} on the machine.
 */
public final class ChromiumExtension extends PerClassServerExtension<HeadlessChromium> {

  /** Created by JUnit through {@code @ExtendWith}. */
  public ChromiumExtension() {
    super(HeadlessChromium.class, HeadlessChromium::start);
  }
}
