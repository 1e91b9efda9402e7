package sc.fiji.diffusion.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FillTest {

	/** A plane x + 2 y (harmonic, so the fill must give it back) with a square hole. */
	private static float[] ramp(final int n, final int x0, final int y0, final int side) {
		final float[] p = new float[n * n];
		for (int y = 0; y < n; y++) {
			for (int x = 0; x < n; x++) {
				final boolean hole = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
				p[y * n + x] = hole ? Float.NaN : x + 2 * y;
			}
		}
		return p;
	}

	@Test
	void aLargeHoleInAHarmonicPlaneIsFilledWithThatPlane() {
		final int n = 128;
		final float[] filled = Fill.harmonic(ramp(n, 40, 30, 48), n, n);
		double worst = 0;
		for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) worst = Math.max(worst, Math.abs(filled[y * n + x] - (x + 2 * y)));
		// The plane spans 381; the pyramid start and the sweeps get within a few thousandths of it.
		assertTrue(worst < 0.01 * 381, "largest error " + worst);
	}

	@Test
	void knownPixelsAreKeptAndTheInputIsNotChanged() {
		final int n = 64;
		final float[] in = ramp(n, 10, 10, 12), copy = in.clone();
		final float[] out = Fill.harmonic(in, n, n);
		assertArrayEquals(copy, in);
		for (int i = 0; i < in.length; i++) if (Float.isFinite(in[i])) assertEquals(in[i], out[i]);
	}

	@Test
	void aHoleAtTheBorderOfAConstantPlaneIsThatConstant() {
		final int n = 32;
		final float[] p = new float[n * n];
		java.util.Arrays.fill(p, 7);
		for (int y = 0; y < 10; y++) for (int x = 0; x < n; x++) p[y * n + x] = Float.NaN;
		for (final float v : Fill.harmonic(p, n, n)) assertEquals(7, v, 1e-5);
	}

	@Test
	void nothingKnownGivesZeros() {
		final float[] p = new float[16];
		java.util.Arrays.fill(p, Float.NaN);
		assertArrayEquals(new float[16], Fill.harmonic(p, 4, 4));
	}

	@Test
	void theFirstGuessContinuesACurvedProfileIntoAHole() {
		// A bowl (x - 20)^2 + (y - 24)^2: the harmonic fill flattens it, the biharmonic one keeps it.
		final int n = 48;
		final float[] p = new float[n * n], truth = new float[n * n];
		for (int y = 0; y < n; y++) {
			for (int x = 0; x < n; x++) {
				truth[y * n + x] = (float) (((x - 20) * (x - 20) + (y - 24) * (y - 24)) / 1000.0);
				final boolean hole = x >= 12 && x < 30 && y >= 15 && y < 33;
				p[y * n + x] = hole ? Float.NaN : truth[y * n + x];
			}
		}
		final float[] guess = Fill.firstGuess(p, n, n), flat = Fill.harmonic(p, n, n);
		double guessError = 0, flatError = 0;
		for (int i = 0; i < p.length; i++) {
			guessError = Math.max(guessError, Math.abs(guess[i] - truth[i]));
			flatError = Math.max(flatError, Math.abs(flat[i] - truth[i]));
		}
		assertTrue(guessError < 1e-4, "first guess off by " + guessError);
		assertTrue(flatError > 0.05, "the harmonic fill was expected to flatten the bowl: " + flatError);
	}

	@Test
	void veryManyMissingPixelsTakeTheBoundedHarmonicFill() {
		final int w = 1100, h = 1000;
		final float[] p = new float[w * h];
		java.util.Arrays.fill(p, Float.NaN);
		// Known: the first row and a column, a gradient; missing: more than the solver's limit.
		for (int x = 0; x < w; x++) p[x] = x;
		for (int y = 0; y < h; y++) p[y * w] = y;
		assertTrue(p.length - w - h > Fill.BIHARMONIC_MAX_UNKNOWNS);
		assertArrayEquals(Fill.harmonic(p, w, h), Fill.firstGuess(p, w, h));
	}

	@Test
	void aPlaneWithoutHolesIsItsOwnGuess() {
		final float[] p = ramp(16, 0, 0, 0);
		assertArrayEquals(p, Fill.firstGuess(p, 16, 16));
	}

	@Test
	void holesAreTheMasksFourConnectedComponents() {
		// 5 x 4: an L of three pixels, a pixel touching it and the pair below only at corners, a pair.
		final boolean[] m = new boolean[20];
		for (final int p : new int[] { 0, 1, 6, 12, 15, 16 }) m[p] = true;
		final java.util.List<int[]> holes = Fill.holes(m, 5, 4);
		assertEquals(3, holes.size());
		assertArrayEquals(new int[] { 0, 1, 6 }, holes.get(0));
		assertArrayEquals(new int[] { 12 }, holes.get(1));
		assertArrayEquals(new int[] { 15, 16 }, holes.get(2));
	}
}
