package sc.fiji.diffusion.restore;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

/**
 * Super-resolution by 2 or 4: the measurement is camera binning (the mean over f x f pixels), so the
 * result, binned again, gives back a noiseless input. Output is f times larger in X and Y; callers
 * divide the pixel size by f.
 */
public final class SuperResolve {

	private SuperResolve() {}

	/**
	 * What {@link #run} takes of the factor (2 or 4) and the sampler (DDPM or DDIM steps), checked
	 * before a model is loaded.
	 */
	public static void check(final int factor, final String sampler) {
		if (factor != 2 && factor != 4) {
			throw new IllegalArgumentException("Super-resolution factor must be 2 or 4, got " + factor + ".");
		}
		InverseProblem.check(sampler);
	}

	public static <T extends RealType<T>> Result run(final RandomAccessibleInterval<T> image,
		final int factor, final int channelAxis, final NoiseModel noise, final RestoreOptions o)
	{
		check(factor, o.sampler());
		final Planes in = Planes.of(image);
		final java.util.List<float[]> planes = new java.util.ArrayList<>();
		for (int p = 0; p < in.count(); p++) planes.add(in.plane(p));
		if (Stacks.missing(planes) > 0) {
			throw new IllegalArgumentException("The image has NaN pixels: inpaint them first.");
		}
		return InverseProblem.run(in, factor, channelAxis, noise, o);
	}
}
