package sc.fiji.diffusion.engine;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import sc.fiji.diffusion.engine.data.SceneSettings;
import sc.fiji.diffusion.engine.data.WideScenes;

/**
 * Training patches from the wide world ({@link WideScenes}): eight kinds of structure, imaging
 * settings drawn per patch from a {@link SceneSettings.World}, each patch mapped to [-1, 1] by
 * {@link ModelRange}'s percentiles (the few values beyond them clipped), turned by one of the
 * eight symmetries of the square, and in half the patches scaled and lifted within [-1, 1], as a
 * dim or bright region of an image normalized as a whole is.
 */
public final class WidePatches implements PatchSource {

	/** The smallest intensity scale of a scaled patch (log-uniform up to 1). */
	static final double MIN_SCALE = 0.3;

	private final SceneSettings.World world;
	/** The share of patches drawn from the five kinds of {@link SyntheticPatches} instead. */
	private final double fiveKinds;
	private final SyntheticPatches five = new SyntheticPatches();

	/** Patches of the training settings. */
	public WidePatches() {
		this(SceneSettings.World.TRAIN);
	}

	public WidePatches(final SceneSettings.World world) {
		this(world, 0);
	}

	/**
	 * @param fiveKinds the share of patches drawn from the five kinds under their own narrow settings
	 *          (the quality benchmark's scenes, {@link SyntheticPatches}), in [0, 1)
	 */
	public WidePatches(final SceneSettings.World world, final double fiveKinds) {
		if (!(fiveKinds >= 0 && fiveKinds < 1)) {
			throw new IllegalArgumentException("The five kinds' share must be in [0, 1), got " + fiveKinds + ".");
		}
		this.world = world;
		this.fiveKinds = fiveKinds;
	}

	public SceneSettings.World world() {
		return world;
	}

	/** The same source with the settings held out from training, for validation (the wide world only). */
	public WidePatches heldOut() {
		return new WidePatches(SceneSettings.World.HELD_OUT);
	}

	/** The wide world of this source's settings without the five kinds' share, for validation. */
	public WidePatches wideOnly() {
		return fiveKinds == 0 ? this : new WidePatches(world);
	}

	@Override
	public float[] patch(final SplittableRandom random, final int size) {
		if (fiveKinds > 0 && random.nextDouble() < fiveKinds) return five.patch(random, size);
		return ImagePatches.symmetric(unturned(random, size), size, 0, 0, size, random);
	}

	/** A patch before its flips and turn: drawn, normalized, and at times scaled. */
	float[] unturned(final SplittableRandom random, final int size) {
		final WideScenes.Kind[] kinds = WideScenes.Kind.values();
		final WideScenes.Kind kind = kinds[random.nextInt(kinds.length)];
		final SceneSettings settings = world.draw(random);
		final float[] scene = WideScenes.scene(kind, settings, size, size, random.nextLong());
		normalize(scene);
		if (random.nextBoolean()) {
			final double scale = Math.exp(Math.log(MIN_SCALE) * random.nextDouble());
			final double lift = (1 - scale) * random.nextDouble();
			for (int i = 0; i < scene.length; i++) scene[i] = (float) (-1 + lift + scale * (scene[i] + 1));
		}
		return scene;
	}

	/**
	 * In place: the 1st and 99.8th percentiles to -1 and 1 (ModelRange's rule, as restoration maps an
	 * image), clipped to [-1, 1]; a patch without contrast becomes -1.
	 */
	static void normalize(final float[] pixels) {
		final double[] r = ModelRange.of(List.of(pixels));
		for (int i = 0; i < pixels.length; i++) {
			pixels[i] = r == null ? -1 : Math.max(-1, Math.min(1, ModelRange.toNetwork(pixels[i], r[0], r[1],
				0)));
		}
	}

	@Override
	public String label() {
		return PatchSource.super.label() + (fiveKinds > 0 ? String.format(Locale.ROOT, ", %.0f%% of the patches " +
			"the five kinds of %s", 100 * fiveKinds, five.label()) : "");
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "wide synthetic fluorescence scenes (filaments, nuclei, puncta, " +
			"membranes, cytoplasm, mitochondria, vesicles, speckles; %s; PSF Gaussian, anisotropic or " +
			"Airy-like, background level, variation and gradient, haze, brightness, gamma, object " +
			"intensity spread, size and texture varied per patch; 1st-99.8th percentile to [-1, 1] per " +
			"patch, flips and quarter turns, half the patches scaled by %.1f-1 within [-1, 1]; " +
			"sc.fiji.diffusion.engine.data.WideScenes)", world.description(), MIN_SCALE) + (fiveKinds > 0 ? String
				.format(Locale.ROOT, "; %.0f%% of the patches instead: %s", 100 * fiveKinds, five) : "");
	}
}
