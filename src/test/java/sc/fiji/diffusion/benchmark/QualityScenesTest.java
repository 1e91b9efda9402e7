package sc.fiji.diffusion.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The quality benchmark's two scene sources. */
class QualityScenesTest {

	private static QualityBenchmark.Settings settings(final String scenes) {
		return new QualityBenchmark.Settings(8, 64, 0.1, 0, 0, 9000, Set.of("denoise"), scenes);
	}

	@Test
	void heldOutScenesAreOtherScenesInTheUnitRangeAndRepeatable() {
		final QualityBenchmark.Settings five = settings(QualityBenchmark.FIVE_KINDS), held = settings(
			QualityBenchmark.HELD_OUT);
		for (int i = 0; i < 8; i++) {
			final float[] a = QualityBenchmark.truth(held, i);
			assertEquals(64 * 64, a.length);
			double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
			for (final float v : a) {
				lo = Math.min(lo, v);
				hi = Math.max(hi, v);
			}
			assertEquals(0, lo, 1e-6, "scene " + i);
			assertEquals(1, hi, 1e-6, "scene " + i);
			assertTrue(Arrays.equals(a, QualityBenchmark.truth(held, i)), "same seed, same scene");
			assertFalse(Arrays.equals(a, QualityBenchmark.truth(five, i)), "scene " + i);
			if (i > 0) assertFalse(Arrays.equals(a, QualityBenchmark.truth(held, i - 1)));
		}
	}

	@Test
	void anUnknownSourceIsRefusedNamingTheKnownOnes() {
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(
			"photographs"));
		assertTrue(e.getMessage().contains("five-kinds or held-out"), e.getMessage());
	}
}
