package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import sc.fiji.diffusion.engine.data.SceneSettings;

/** The wide world as training patches: range, determinism, symmetries, scaling, description. */
class WidePatchesTest {

	private static final int SIZE = 32, COUNT = 300;

	@Test
	void patchesAreWithinTheModelRangeAndDeterministicPerSeed() {
		for (final WidePatches source : List.of(new WidePatches(), new WidePatches().heldOut())) {
			final SplittableRandom a = new SplittableRandom(11), b = new SplittableRandom(11);
			int full = 0, scaled = 0;
			for (int i = 0; i < COUNT; i++) {
				final float[] p = source.patch(a, SIZE);
				assertArrayEquals(p, source.patch(b, SIZE), "patch " + i);
				float min = 1, max = -1;
				for (final float v : p) {
					assertTrue(v >= -1 && v <= 1, source.world() + ": " + v);
					min = Math.min(min, v);
					max = Math.max(max, v);
				}
				assertTrue(max > min, "patch " + i + " is blank");
				if (min == -1 && max == 1) full++;
				if (max < 0.99) scaled++;
			}
			// Half the patches keep the percentile range; most of the others are scaled below it.
			assertEquals(0.5, full / (double) COUNT, 0.1, source.world() + ": " + full + " full-range patches");
			assertTrue(scaled > 0.3 * COUNT, source.world() + ": " + scaled + " scaled patches");
			assertFalse(Arrays.equals(source.patch(new SplittableRandom(1), SIZE), source.patch(
				new SplittableRandom(2), SIZE)));
		}
	}

	@Test
	void normalizationPutsThePercentilesAtTheEndsOfTheRange() {
		final float[] p = new float[1000];
		for (int i = 0; i < p.length; i++) p[i] = 5 + i;
		WidePatches.normalize(p);
		final double[] r = ModelRange.of(List.of(p));
		assertEquals(-1, r[0], 1e-3);
		assertEquals(1, r[1], 1e-3);
		assertEquals(-1, p[0]);
		assertEquals(1, p[999]);
		final float[] flat = new float[16];
		Arrays.fill(flat, 0.3f);
		WidePatches.normalize(flat);
		for (final float v : flat) assertEquals(-1, v);
	}

	@Test
	void symmetriesPermuteThePixelsAndAllEightOccur() {
		final int n = 5;
		final float[] image = new float[n * n];
		for (int i = 0; i < image.length; i++) image[i] = i * i % 17 + 0.1f * i;
		final float[] sorted = image.clone();
		Arrays.sort(sorted);
		final Set<String> seen = new HashSet<>();
		final SplittableRandom random = new SplittableRandom(2);
		for (int i = 0; i < 200; i++) {
			final float[] t = ImagePatches.symmetric(image, n, 0, 0, n, random);
			seen.add(Arrays.toString(t));
			Arrays.sort(t);
			assertArrayEquals(sorted, t);
		}
		assertEquals(8, seen.size());
	}

	@Test
	void flipsAndTurnsKeepEachPatchsValues() {
		final WidePatches source = new WidePatches();
		int turned = 0;
		for (int seed = 0; seed < 80; seed++) {
			final float[] patch = source.patch(new SplittableRandom(seed), SIZE);
			final float[] before = source.unturned(new SplittableRandom(seed), SIZE);
			if (!Arrays.equals(patch, before)) turned++;
			Arrays.sort(before);
			Arrays.sort(patch);
			assertArrayEquals(before, patch, "seed " + seed);
		}
		// One of the eight symmetries is the identity.
		assertEquals(70, turned, 8);
	}

	@Test
	void eachWorldHasItsOwnDescription() {
		final String train = new WidePatches().toString(), held = new WidePatches().heldOut().toString();
		assertNotEquals(new SyntheticPatches().toString(), train);
		assertNotEquals(train, held);
		assertTrue(train.contains("training settings") && train.contains("vesicles"), train);
		assertTrue(held.contains("held-out settings") && held.contains(SceneSettings.HELD_OUT_PSF_SIGMA
			.toString()), held);
		assertEquals(SceneSettings.World.HELD_OUT, new WidePatches().heldOut().world());
	}

	/**
	 * The mixed source ({@code --data synthetic-mixed}) draws the five kinds' patch, as {@link
	 * SyntheticPatches} draws it from the same random state, for about its share of the patches, and
	 * the wide world's for the rest; its validation source is the wide world alone.
	 */
	@Test
	void theMixDrawsTheFiveKindsForItsShare() {
		final WidePatches mixed = new WidePatches(SceneSettings.World.TRAIN, 0.5);
		int five = 0;
		for (int seed = 0; seed < 200; seed++) {
			final float[] p = mixed.patch(new SplittableRandom(seed), 32);
			final SplittableRandom r = new SplittableRandom(seed);
			if (r.nextDouble() < 0.5) {
				assertArrayEquals(new SyntheticPatches().patch(r, 32), p, "seed " + seed);
				five++;
			}
		}
		assertTrue(five > 70 && five < 130, five + " of 200 from the five kinds");
		assertEquals(new WidePatches().toString(), mixed.wideOnly().toString());
		assertTrue(mixed.toString().contains("50% of the patches instead: synthetic"), mixed.toString());
		assertEquals("wide synthetic fluorescence scenes, 50% of the patches the five kinds of synthetic " +
			"fluorescence scenes", mixed.label());
		assertEquals("wide synthetic fluorescence scenes", new WidePatches().label());
		assertThrowsIllegal(() -> new WidePatches(SceneSettings.World.TRAIN, 1));
	}

	private static void assertThrowsIllegal(final org.junit.jupiter.api.function.Executable e) {
		org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, e);
	}
}
