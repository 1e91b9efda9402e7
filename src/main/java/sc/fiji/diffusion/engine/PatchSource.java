package sc.fiji.diffusion.engine;

import java.util.SplittableRandom;

/**
 * Training patches, scaled to the model's range [-1, 1]: clean ones (synthetic scenes), or noisy
 * ones of a known noise level (a user's acquisitions).
 */
@FunctionalInterface
public interface PatchSource {

	/**
	 * @param random the only source of randomness, so a training step is reproducible from its seed
	 * @return size * size values, row-major
	 */
	float[] patch(SplittableRandom random, int size);

	/** A patch and its noise level in model units (0: clean). */
	record Noisy(float[] pixels, float sigma) {}

	/** A patch with its noise level; clean unless a source says otherwise. */
	default Noisy noisyPatch(final SplittableRandom random, final int size) {
		return new Noisy(patch(random, size), 0);
	}

	/** What the source draws, in short (its description up to the first parenthesis), for a card's runs. */
	default String label() {
		final String d = toString();
		return d.contains(" (") ? d.substring(0, d.indexOf(" (")) : d;
	}

	/** The smallest noise level of any patch, in model units (0 when some are clean). */
	default double lowestNoise() {
		return 0;
	}

	/** The largest noise level of any patch, in model units (0 when all are clean). */
	default double highestNoise() {
		return 0;
	}
}
