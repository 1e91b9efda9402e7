package sc.fiji.diffusion.benchmark;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.diffusion.engine.data.SceneSettings;
import sc.fiji.diffusion.engine.data.SyntheticScenes;
import sc.fiji.diffusion.engine.data.WideScenes;

/**
 * The hard cases of inpainting: one square block per scene, placed inside a smooth bright object
 * (where a fill that regresses to the background leaves a dark hole with a bright rim) or across an
 * object's edge (where the fill must continue the edge), in nuclei and cytoplasm scenes of the
 * training generator and in vesicle and mitochondria scenes of the wide world's held-out settings
 * (a kind and settings the first models never saw). Data range 1, deterministic in the seed.
 */
public final class HardHoles {

	/** Where a case's block sits. */
	public enum Place {
		INSIDE, EDGE
	}

	/** One case: the truth, the block (true = missing) and what it is, in words. */
	public record Case(String label, float[] truth, boolean[] hole, int size, Place place) {}

	/**
	 * Per-hole figures: PSNR in the hole (range 1), the hole mean's error against the truth's, and
	 * the RMS errors of the 2-pixel ring inside the hole's edge and of the rest of the hole.
	 */
	public record Score(double psnr, double meanError, double ringRms, double interiorRms) {}

	/** Scenes drawn for one case before its combination is left out. */
	static final int ATTEMPTS = 40;

	private HardHoles() {}

	/**
	 * {@code count} cases of {@code n x n}: the four scene sources in turn, then both places, then
	 * block sides of 16, 24, 32 and 48 pixels (the last is most of a 64-pixel network window); 32
	 * cases hold every combination once. A combination no scene of {@link #ATTEMPTS} holds (a large
	 * block inside small objects) is left out, so fewer cases may come back.
	 */
	public static List<Case> cases(final int count, final int n, final long seed) {
		final int[] sides = { 16, 24, 32, 48 };
		final List<Case> out = new ArrayList<>();
		long s = seed;
		for (int i = 0; i < count; i++) {
			final int source = i % 4;
			final Place place = (i / 4) % 2 == 0 ? Place.INSIDE : Place.EDGE;
			final int side = sides[(i / 8) % sides.length];
			final String what = new String[] { "nuclei", "cytoplasm", "vesicles (held-out settings)",
				"mitochondria (held-out settings)" }[source];
			// Small objects hold no large block: such a combination is left out after a few scenes.
			for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
				final float[] truth = scene(source, n, s++);
				final boolean[] hole = place(truth, n, side, place);
				if (hole == null) continue;
				out.add(new Case(what + ", " + side + " px block " + (place == Place.INSIDE ? "inside an object"
					: "across an edge"), truth, hole, n, place));
				break;
			}
		}
		return out;
	}

	private static float[] scene(final int source, final int n, final long seed) {
		final float[] s = switch (source) {
			case 0 -> SyntheticScenes.scene(SyntheticScenes.Kind.NUCLEI, n, n, seed);
			case 1 -> SyntheticScenes.scene(SyntheticScenes.Kind.CYTOPLASM, n, n, seed);
			default -> WideScenes.scene(source == 2 ? WideScenes.Kind.VESICLES : WideScenes.Kind.MITOCHONDRIA,
				SceneSettings.World.HELD_OUT.draw(new java.util.SplittableRandom(seed * 31 + source)), n, n, seed);
		};
		// The wide world's scenes are not in [0, 1].
		return toUnitRange(s);
	}

	/** A scene mapped in place to [0, 1] by its own minimum and maximum; returns it. */
	public static float[] toUnitRange(final float[] s) {
		final float[] range = sc.fiji.diffusion.engine.Percentiles.finiteRange(List.of(s));
		for (int k = 0; k < s.length; k++) s[k] = (s[k] - range[0]) / Math.max(range[1] - range[0], 1e-6f);
		return s;
	}

	/**
	 * The block of the given side whose surroundings best fit the place: inside, the brightest block
	 * whose 4-pixel surrounding lies wholly in an object (above the mean of background and objects);
	 * at an edge, the block with 35-65% of its pixels in objects and the largest contrast between the
	 * two parts. Null when the scene has no such block.
	 */
	static boolean[] place(final float[] truth, final int n, final int side, final Place place) {
		double mean = 0;
		for (final float v : truth) mean += v;
		mean /= truth.length;
		double objects = 0;
		int count = 0;
		for (final float v : truth) if (v > mean) {
			objects += v;
			count++;
		}
		final double threshold = (mean + objects / Math.max(count, 1)) / 2;
		double best = Double.NEGATIVE_INFINITY;
		int bx = -1, by = -1;
		final int margin = 4;
		for (int y = margin + 2; y + side + margin + 2 <= n; y += 2) {
			for (int x = margin + 2; x + side + margin + 2 <= n; x += 2) {
				if (place == Place.INSIDE) {
					double min = Double.POSITIVE_INFINITY, sum = 0;
					for (int yy = y - margin; yy < y + side + margin; yy++) {
						for (int xx = x - margin; xx < x + side + margin; xx++) {
							min = Math.min(min, truth[yy * n + xx]);
							sum += truth[yy * n + xx];
						}
					}
					// Not a flat saturated plateau: a smooth object still varies a little.
					double sq = 0, inner = 0;
					for (int yy = y; yy < y + side; yy++) {
						for (int xx = x; xx < x + side; xx++) {
							inner += truth[yy * n + xx];
							sq += truth[yy * n + xx] * truth[yy * n + xx];
						}
					}
					final int area = (side + 2 * margin) * (side + 2 * margin);
					final double var = sq / (side * side) - Math.pow(inner / (side * side), 2);
					if (min > threshold && var > 1e-5 && sum / area < 0.97 && sum > best) {
						best = sum;
						bx = x;
						by = y;
					}
				}
				else {
					int in = 0;
					double inSum = 0, outSum = 0;
					for (int yy = y; yy < y + side; yy++) {
						for (int xx = x; xx < x + side; xx++) {
							final float v = truth[yy * n + xx];
							if (v > threshold) {
								in++;
								inSum += v;
							}
							else outSum += v;
						}
					}
					final double f = in / (double) (side * side);
					if (f < 0.35 || f > 0.65) continue;
					final double contrast = inSum / in - outSum / (side * side - in);
					if (contrast > best) {
						best = contrast;
						bx = x;
						by = y;
					}
				}
			}
		}
		if (bx < 0) return null;
		final boolean[] hole = new boolean[n * n];
		for (int y = by; y < by + side; y++) for (int x = bx; x < bx + side; x++) hole[y * n + x] = true;
		return hole;
	}

	/** Scores a filled image against the truth in the case's hole. */
	public static Score score(final Case c, final float[] filled) {
		final int n = c.size();
		double ringSe = 0, innerSe = 0, mean = 0, truthMean = 0;
		int count = 0, ring = 0, inner = 0;
		for (int y = 0; y < n; y++) {
			for (int x = 0; x < n; x++) {
				final int i = y * n + x;
				if (!c.hole()[i]) continue;
				final double e = filled[i] - c.truth()[i];
				mean += filled[i];
				truthMean += c.truth()[i];
				count++;
				if (nearKnown(c.hole(), n, x, y, 2)) {
					ringSe += e * e;
					ring++;
				}
				else {
					innerSe += e * e;
					inner++;
				}
			}
		}
		return new Score(Metrics.psnr(filled, c.truth(), 1, c.hole()), Math.abs(mean - truthMean) / count, Math.sqrt(
			ringSe / Math.max(ring, 1)), Math.sqrt(innerSe / Math.max(inner, 1)));
	}

	/** Whether a known pixel (or the image's edge) lies within d pixels (Chebyshev) of (x, y). */
	private static boolean nearKnown(final boolean[] hole, final int n, final int x, final int y,
		final int d)
	{
		for (int yy = y - d; yy <= y + d; yy++) {
			for (int xx = x - d; xx <= x + d; xx++) {
				if (xx < 0 || yy < 0 || xx >= n || yy >= n || !hole[yy * n + xx]) return true;
			}
		}
		return false;
	}
}
