package sc.fiji.diffusion.restore;

import java.util.List;

import sc.fiji.diffusion.engine.Percentiles;

/**
 * One channel's noise model (resolved: never {@code auto}) and normalization (in the noise model's
 * domain for denoising; in the image's own units for inpainting and super-resolution, which keep
 * camera noise linear), as a restoration sets them up from the channel's planes. A volume restored block by block
 * computes them once, from a sample of the whole volume, and gives them to every block
 * ({@link RestoreOptions#withChannels}): blocks then differ from the whole-volume result only where
 * their pixels do.
 */
public record ChannelSetup(NoiseModel noise, Normalization normalization) {

	/**
	 * The setup a restoration makes from these planes (a sample of one channel, all of one size):
	 * saturated pixels left out, the noise estimated where {@code noise} is {@code auto}, the
	 * normalization from the non-constant planes in the noise model's domain.
	 *
	 * @param typeMax the input type's maximum (saturation level), NaN for float data
	 * @param task the restoration the setup is for (denoising normalizes in the noise model's domain)
	 */
	public static ChannelSetup of(final List<float[]> planes, final int width, final int height,
		final NoiseModel noise, final double typeMax, final Defaults.Task task, final List<String> report)
	{
		return of(Stacks.statistics(planes, typeMax, "", report), width, height, noise, task);
	}

	/** From statistics planes (saturated pixels already NaN), as {@link Denoise} computes it. */
	static ChannelSetup of(final List<float[]> statistics, final int width, final int height,
		final NoiseModel noise, final Defaults.Task task)
	{
		final NoiseModel resolved = noise.resolve(statistics, width, height);
		final List<float[]> work = task == Defaults.Task.DENOISE ? resolved.domain(statistics) : statistics;
		// Constant planes (empty frames) must not shift the others' percentiles.
		final List<float[]> varied = work.parallelStream().filter(p -> {
			final float[] r = Percentiles.finiteRange(List.of(p));
			return r[0] != r[1];
		}).toList();
		return new ChannelSetup(resolved, Normalization.of(varied.isEmpty() ? work : varied));
	}
}
