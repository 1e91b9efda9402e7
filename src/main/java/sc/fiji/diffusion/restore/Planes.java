package sc.fiji.diffusion.restore;

import java.util.ArrayList;
import java.util.List;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Fraction;
import net.imglib2.view.Views;

/**
 * The one conversion between ImgLib2 images and the float planes the restorations work on. Axis 0 is
 * X, axis 1 is Y; every other axis (Z, T, channel) enumerates XY planes, in ImgLib2's flat order. The
 * input image is only read.
 */
public final class Planes {

	private final long[] dims;
	private final float[][] planes;
	/** The pixel type's largest value for integer types (where a camera saturates), else NaN. */
	private final double typeMax;

	private Planes(final long[] dims, final float[][] planes, final double typeMax) {
		this.dims = dims;
		this.planes = planes;
		this.typeMax = typeMax;
	}

	/** Copies an image's pixels as floats, plane by plane. */
	public static <T extends RealType<T>> Planes of(final RandomAccessibleInterval<T> image) {
		if (image.numDimensions() < 2) {
			throw new IllegalArgumentException("The image needs at least two axes (X, Y), it has " + image
				.numDimensions() + ".");
		}
		final long[] dims = image.dimensionsAsLongArray();
		final long plane = dims[0] * dims[1];
		if (plane > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("An XY plane of " + dims[0] + " x " + dims[1] +
				" pixels is too large; crop the image.");
		}
		long count = 1;
		for (int d = 2; d < dims.length; d++) count *= dims[d];
		final float[][] planes = new float[(int) count][(int) plane];
		// A stack of planes (an ImageJ stack as a view) is read plane by plane from its sources: through
		// the stack's own access every pixel would pay the view's bookkeeping (most of a GPU restoration's
		// host time per plane).
		// Planes on all cores, each through its own cursor (ImgLib2 images are read concurrently so).
		final java.util.List<RandomAccessibleInterval<T>> sources = new java.util.ArrayList<>();
		final boolean sliced = slices(image, sources) && sources.size() == planes.length;
		java.util.stream.IntStream.range(0, planes.length).parallel().forEach(k -> {
			final Cursor<T> c = Views.flatIterable(sliced ? sources.get(k) : planeOf(image, k)).cursor();
			final float[] p = planes[k];
			for (int i = 0; i < p.length; i++) p[i] = c.next().getRealFloat();
		});
		final T type = image.getType();
		return new Planes(dims, planes, type instanceof net.imglib2.type.numeric.IntegerType ? type
			.getMaxValue() : Double.NaN);
	}

	/** Plane k of an image in flat order (the third axis fastest), as a view of X and Y. */
	private static <T> RandomAccessibleInterval<T> planeOf(final RandomAccessibleInterval<T> image,
		final int k)
	{
		final int n = image.numDimensions();
		final long[] lo = image.minAsLongArray(), hi = image.maxAsLongArray();
		long rest = k;
		for (int d = 2; d < n; d++) {
			final long size = image.dimension(d);
			lo[d] = hi[d] = image.min(d) + rest % size;
			rest /= size;
		}
		return Views.interval(image, lo, hi);
	}

	/**
	 * The 2-D planes of a stack view, in flat order (the stacked axis slowest), into {@code out};
	 * false when the image is not a stack of whole planes all the way down.
	 */
	private static <T> boolean slices(final RandomAccessibleInterval<T> image,
		final java.util.List<RandomAccessibleInterval<T>> out)
	{
		if (image.numDimensions() == 2) {
			out.add(image);
			return true;
		}
		if (!(image instanceof net.imglib2.view.StackView<T> stack)) return false;
		for (final RandomAccessibleInterval<T> s : stack.getSourceSlices()) {
			if (s.numDimensions() != image.numDimensions() - 1 || !slices(s, out)) return false;
		}
		return true;
	}

	/** Planes with the given XY size and the same other axes as this. */
	public Planes withPlanes(final float[][] newPlanes, final long width, final long height) {
		final long[] d = dims.clone();
		d[0] = width;
		d[1] = height;
		return new Planes(d, newPlanes, typeMax);
	}

	public int width() {
		return (int) dims[0];
	}

	public int height() {
		return (int) dims[1];
	}

	public int count() {
		return planes.length;
	}

	public float[] plane(final int i) {
		return planes[i];
	}

	/**
	 * The level at which a channel counts as saturated: the pixel type's maximum for integer images
	 * (65535 for 16-bit), NaN for float images (then the image's own maximum).
	 */
	public double typeMax() {
		return typeMax;
	}

	public long[] dimensions() {
		return dims.clone();
	}

	/**
	 * Index along {@code axis} of plane i (axis >= 2), e.g. its channel.
	 */
	public int coordinate(final int plane, final int axis) {
		if (axis < 2 || axis >= dims.length) {
			throw new IllegalArgumentException("Axis " + axis + " is not one of the image's plane axes.");
		}
		long stride = 1;
		for (int d = 2; d < axis; d++) stride *= dims[d];
		return (int) ((plane / stride) % dims[axis]);
	}

	/** A 32-bit image over these planes: shared, not copied. */
	public PlanarImg<FloatType, FloatArray> toImg() {
		final List<FloatArray> arrays = new ArrayList<>(planes.length);
		for (final float[] p : planes) arrays.add(new FloatArray(p));
		final PlanarImg<FloatType, FloatArray> img = new PlanarImg<>(arrays, dims, new Fraction());
		img.setLinkedType(new FloatType(img));
		return img;
	}

	/**
	 * The planes of a 32-bit image, shared with it when it is one of {@link #toImg}'s (a result
	 * handed on, not copied again), else copied as {@link #of} does.
	 */
	public static Planes shared(final RandomAccessibleInterval<FloatType> image) {
		if (image instanceof PlanarImg<?, ?> img && img.numSlices() > 0 && img.getPlane(0) instanceof FloatArray) {
			final float[][] planes = new float[img.numSlices()][];
			for (int i = 0; i < planes.length; i++) planes[i] = ((FloatArray) img.getPlane(i)).getCurrentStorageArray();
			return new Planes(img.dimensionsAsLongArray(), planes, Double.NaN);
		}
		return of(image);
	}
}
