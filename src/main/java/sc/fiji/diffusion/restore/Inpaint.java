package sc.fiji.diffusion.restore;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

import java.util.Arrays;
import java.util.List;

/**
 * Inpainting: pixels marked in a mask (non-zero = missing), or NaN in the image, are filled with a
 * posterior sample (or the mean of several) consistent with every known pixel. Known pixels come back
 * unchanged, with zero standard deviation.
 */
public final class Inpaint {

	private Inpaint() {}

	/**
	 * What {@link #run} takes of the sampler (DDPM or DDIM steps), checked before a model is loaded.
	 */
	public static void check(final String sampler) {
		InverseProblem.check(sampler);
	}

	/**
	 * @param mask same size as the image (or as one XY plane, then used for every plane); null to use
	 *          the image's NaN pixels
	 */
	public static <T extends RealType<T>, M extends RealType<M>> Result run(
		final RandomAccessibleInterval<T> image, final RandomAccessibleInterval<M> mask,
		final int channelAxis, final NoiseModel noise, final RestoreOptions o)
	{
		final Planes in = Planes.of(image);
		final float[][] holed = new float[in.count()][];
		for (int p = 0; p < in.count(); p++) holed[p] = in.plane(p).clone();
		if (mask != null) {
			final long[] md = mask.dimensionsAsLongArray(), id = in.dimensions();
			final boolean perPlane = md.length == 2 && md[0] == id[0] && md[1] == id[1];
			if (!perPlane && !Arrays.equals(md, id)) {
				throw new IllegalArgumentException("The mask is " + Arrays.toString(md) + " but the image is " +
					Arrays.toString(id) + ": give a mask of the image's size (or of one plane).");
			}
			// NaN is neither 0 (known) nor a mark (missing): a mask that holds it is refused.
			long nan = 0;
			for (final M v : Views.flatIterable(mask)) if (Double.isNaN(v.getRealDouble())) nan++;
			if (nan > 0) {
				throw new IllegalArgumentException("The mask has " + nan + " NaN pixels: a mask marks the " +
					"missing pixels with non-zero values and the known ones with 0. Give those pixels 0 or 1, " +
					"or leave the mask out and put NaN into the image itself where it is missing.");
			}
			final Cursor<M> c = Views.flatIterable(mask).cursor();
			for (int p = 0; p < (perPlane ? 1 : in.count()); p++) {
				for (int i = 0; i < holed[p].length; i++) {
					if (c.next().getRealDouble() != 0) {
						if (perPlane) for (final float[] q : holed) q[i] = Float.NaN;
						else holed[p][i] = Float.NaN;
					}
				}
			}
		}
		for (int p = 0; p < holed.length; p++) {
			if (Stacks.missing(List.of(holed[p])) == holed[p].length) {
				final String where = holed.length > 1 ? " of plane " + (p + 1) : "";
				throw new IllegalArgumentException(mask != null ? "The mask covers every pixel" + where +
					": there is nothing known to fill from. Non-zero mask values mark the missing pixels; " +
					"check that the mask is not the image itself or inverted." : "Every pixel" + where +
					" is missing (NaN): there is nothing known to fill it from. Remove that plane or give it " +
					"values.");
			}
		}
		if (Stacks.missing(Arrays.asList(holed)) == 0) {
			throw new IllegalArgumentException("Nothing to inpaint: the mask is empty and the image has no " +
				"NaN pixels. Mark missing pixels with non-zero mask values.");
		}
		return InverseProblem.run(in.withPlanes(holed, in.width(), in.height()), 1, channelAxis, noise, o);
	}
}
