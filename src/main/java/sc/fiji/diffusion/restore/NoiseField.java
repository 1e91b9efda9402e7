package sc.fiji.diffusion.restore;

import sc.fiji.diffusion.engine.NoiseSource;

/**
 * Where the planes being restored lie in a larger volume, so that a sampler's noise is drawn by
 * position ({@link NoiseSource#positional}): a volume restored block by block then sees, at every
 * pixel and step, the noise of a restoration of the whole volume, and blocks agree where they meet.
 *
 * @param planes the volume's index of each plane given to the restoration, in its plane order
 * @param top the first output row of the planes in the volume's output
 * @param left the first output column
 */
public record NoiseField(long[] planes, long top, long left) {

	public NoiseField {
		planes = planes.clone();
		if (top < 0 || left < 0) throw new IllegalArgumentException("A noise field starts inside the volume.");
	}

	/** Chains of the given planes (indices into {@link #planes}), each chain its own field. */
	Moments.ChainNoise chains(final long seed, final int[] which) {
		final long[] ids = new long[which.length];
		for (int k = 0; k < which.length; k++) ids[k] = planes[which[k]];
		return Moments.seeded(seed, s -> NoiseSource.positional(s, ids, top, left));
	}
}
