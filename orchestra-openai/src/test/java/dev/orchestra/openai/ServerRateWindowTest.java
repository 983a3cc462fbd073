package dev.orchestra.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The server's window on a clock the test moves: what each header does to the next request's wait. */
final class ServerRateWindowTest {
  static final Duration CEILING = Duration.ofMinutes(2);

  final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  final ServerRateWindow window = new ServerRateWindow("test", now::get);

  static HttpHeaders headers(String... namesAndValues) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put(namesAndValues[i], List.of(namesAndValues[i + 1]));
    }
    return HttpHeaders.of(map, (name, value) -> true);
  }

  void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void aWindowThatWasToldNothingHoldsNothing() {
    assertEquals(Duration.ZERO, window.reserve(CEILING));
    window.observe(headers());
    assertEquals(Duration.ZERO, window.reserve(CEILING));
  }

  @Test
  void noRequestsLeftPausesEveryRequestUntilTheReset() {
    window.observe(headers("x-ratelimit-limit-requests", "60", "x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "1m30s"));
    assertEquals(Duration.ofSeconds(90), window.reserve(CEILING));
    assertEquals(Duration.ofSeconds(90), window.reserve(CEILING), "a pause takes no slots: every request waits for the reset");
    advance(Duration.ofSeconds(60));
    assertEquals(Duration.ofSeconds(30), window.reserve(CEILING));
    advance(Duration.ofSeconds(30));
    assertEquals(Duration.ZERO, window.reserve(CEILING), "the window has reset");
  }

  @Test
  void aLaterResetNeverShortensAPause() {
    window.observe(headers("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "10s"));
    window.observe(headers("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "2s"));
    assertEquals(Duration.ofSeconds(10), window.reserve(CEILING));
  }

  @Test
  void noTokensLeftPausesUntilTheTokenWindowResets() {
    window.observe(headers("x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "1m26.4s"));
    assertEquals(Duration.ofMillis(86_400), window.reserve(CEILING));
  }

  @Test
  void underATenthLeftSpreadsTheRestEachRequestTakingTheNextSlot() {
    window.observe(headers("x-ratelimit-limit-requests", "100", "x-ratelimit-remaining-requests", "3", "x-ratelimit-reset-requests", "800ms"));
    // Three requests at the same moment: 800 ms / 4 apart, each its own slot.
    assertEquals(Duration.ofMillis(200), window.reserve(CEILING));
    assertEquals(Duration.ofMillis(400), window.reserve(CEILING));
    assertEquals(Duration.ofMillis(600), window.reserve(CEILING));
    advance(Duration.ofMillis(800));
    assertEquals(Duration.ZERO, window.reserve(CEILING), "past the reset, requests go at once");
  }

  @ParameterizedTest(name = "{1} of {0} left: spread {2}")
  @CsvSource({"100, 9, true", "100, 10, false", "60, 5, true", "60, 6, false", "9, 0, false", "10, 1, false", "0, 1, false"})
  void spreadingStartsBelowATenth(long limit, long remaining, boolean spread) {
    window.observe(headers("x-ratelimit-limit-requests", String.valueOf(limit), "x-ratelimit-remaining-requests", String.valueOf(remaining),
        "x-ratelimit-reset-requests", "1s"));
    Duration wait = window.reserve(CEILING);
    if (remaining == 0) {
      assertEquals(Duration.ofSeconds(1), wait, "none left is a pause, not a spread");
    } else {
      assertEquals(spread, !wait.isZero(), wait.toString());
    }
  }

  @Test
  void plentyLeftAgainStopsTheSpreading() {
    window.observe(headers("x-ratelimit-limit-requests", "100", "x-ratelimit-remaining-requests", "3", "x-ratelimit-reset-requests", "800ms"));
    window.observe(headers("x-ratelimit-limit-requests", "100", "x-ratelimit-remaining-requests", "50", "x-ratelimit-reset-requests", "1s"));
    assertEquals(Duration.ZERO, window.reserve(CEILING));
  }

  @Test
  void aWaitOverTheCeilingIsReportedButTakesNoSlot() {
    window.observe(headers("x-ratelimit-limit-requests", "100", "x-ratelimit-remaining-requests", "1", "x-ratelimit-reset-requests", "10s"));
    Duration shortCeiling = Duration.ofSeconds(2);
    assertEquals(Duration.ofSeconds(5), window.reserve(shortCeiling), "the wait, for the caller to refuse");
    assertEquals(Duration.ofSeconds(5), window.reserve(CEILING), "the refused request left its slot free");
    assertEquals(Duration.ofSeconds(10), window.reserve(CEILING));
  }

  @ParameterizedTest(name = "remaining ''{0}'', reset ''{1}''")
  @CsvSource(
      delimiter = '|',
      value = {
        "-1 | 1s", // Azure's unknown
        "0 | 0", // Azure's zero reset
        "0 | soon",
        "0 | ''",
        "0 | -3s",
        "none | 1s",
        "'' | 1s",
        "1.5 | 1s",
        "0x0 | 1s",
        "99999999999999999999 | 1s", // past a long
      })
  void missingOrMalformedValuesPauseNothing(String remaining, String reset) {
    window.observe(headers("x-ratelimit-limit-requests", "60", "x-ratelimit-remaining-requests", remaining, "x-ratelimit-reset-requests", reset,
        "x-ratelimit-remaining-tokens", remaining, "x-ratelimit-reset-tokens", reset));
    assertEquals(Duration.ZERO, window.reserve(CEILING));
  }

  @Test
  void aRemainingCountTooLargeToMultiplyIsPlentyNotAFewLeft() {
    window.observe(headers("x-ratelimit-limit-requests", "100", "x-ratelimit-remaining-requests", String.valueOf(Long.MAX_VALUE),
        "x-ratelimit-reset-requests", "1s"));
    assertEquals(Duration.ZERO, window.reserve(CEILING));
  }

  @Test
  void aResetTooFarToCountSaturatesIntoALongWaitNeverANegativeOne() {
    window.observe(headers("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "99999999999999h"));
    Duration wait = window.reserve(CEILING);
    assertTrue(wait.compareTo(CEILING) > 0, wait.toString());
    now.set(Long.MAX_VALUE - 1_000);
    window.observe(headers("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "5s"));
    wait = window.reserve(CEILING);
    assertTrue(!wait.isNegative() && wait.compareTo(CEILING) <= 0, "at the clock's end the pause saturates there: " + wait);
  }

  @Test
  void aClockBelowZeroHoldsNothingUntilTold() {
    now.set(-5_000_000_000_000_000_000L);
    assertEquals(Duration.ZERO, window.reserve(CEILING), "no pause before any header, whatever the clock's origin");
    window.observe(headers("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "3s"));
    assertEquals(Duration.ofSeconds(3), window.reserve(CEILING));
  }
}
