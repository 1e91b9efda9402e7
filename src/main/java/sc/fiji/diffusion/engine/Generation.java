package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Unconditional samples of a model: start from pure noise at the schedule's largest sigma and run a
 * sampler down. Images are returned in the data range [0, 1] (the model works in [-1, 1]).
 */
public final class Generation {

	private Generation() {}

	/**
	 * @param batch images per network call; bounds device memory
	 * @return count images of size x size, row-major, in [0, 1] (not clipped)
	 */
	public static float[][] sample(final NetworkDenoiser model, final Sampler sampler, final int count,
		final int size, final int steps, final int batch, final long seed,
		final SamplingListener listener)
	{
		check(count, size, model.network().config().sizeMultiple(), steps, batch);
		final double[] grid = sampler.grid(model.schedule(), steps);
		Autograd.off();
		final float[][] out = new float[count][];
		for (int first = 0; first < count; first += batch) {
			final int b = Math.min(batch, count - first);
			final int done = first;
			try (NDManager m = model.manager().newSubManager()) {
				final NoiseSource noise = NoiseSource.seeded(seed * 1000003L + first);
				final NDArray x = noise.normal(m, new Shape(b, 1, size, size), -1).mul(grid[0]);
				final NDArray y = sampler.sample(model, x, grid, noise, (i, n) -> {
					if (listener != null) listener.stepDone(done * n + b * i, count * n);
				});
				final float[] flat = HostReads.floats(y.add(1).div(2));
				for (int i = 0; i < b; i++) {
					out[first + i] = java.util.Arrays.copyOfRange(flat, i * size * size, (i + 1) * size * size);
				}
			}
		}
		return out;
	}

	/**
	 * What {@link #sample} checks first, for a caller that reads the network's size multiple from a
	 * model card before loading the model.
	 */
	public static void check(final int count, final int size, final int multiple, final int steps,
		final int batch)
	{
		Sampler.checkSteps(steps);
		if (count < 1) throw new IllegalArgumentException("Count must be at least 1, got " + count + ".");
		if (size < multiple || size % multiple != 0) {
			throw new IllegalArgumentException("Sample size must be a positive multiple of " + multiple +
				", got " + size + ".");
		}
		if (batch < 1) throw new IllegalArgumentException("Batch must be at least 1.");
	}
}
