package sc.fiji.diffusion.ij;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.FloatProcessor;

import java.util.ArrayList;
import java.util.List;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

import sc.fiji.diffusion.restore.Planes;

/**
 * ImageJ 1.x images as ImgLib2 views over their own pixel arrays (imglib2-ij is not on Maven
 * Central), and results back as new ImagePlus objects. Axes are X, Y, C, Z, T, in ImageJ's hyperstack
 * order; the wrapped image is only read. Calibrated 8- and 16-bit images (a calibration function, or
 * signed 16-bit) are read as float copies in their calibrated units.
 */
public final class ImagePlusImgs {

	/** Axis of the channels in {@link #wrap}'s view. */
	public static final int CHANNEL_AXIS = 2;

	private ImagePlusImgs() {}

	/**
	 * @throws IllegalArgumentException for RGB images, which carry three channels in one int
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public static RandomAccessibleInterval<? extends RealType<?>> wrap(final ImagePlus imp) {
		if (imp.getBitDepth() == 24) {
			throw new IllegalArgumentException(imp.getTitle() + " is an RGB image: convert it first (in " +
				"ImageJ: Image > Type > RGB Stack, or 32-bit).");
		}
		final int w = imp.getWidth(), h = imp.getHeight();
		final int nc = imp.getNChannels(), nz = imp.getNSlices(), nt = imp.getNFrames();
		final ImageStack stack = imp.getStack();
		// Calibrated 8- and 16-bit images (signed 16-bit among them) are read in their calibrated
		// units, as ImageJ measures them.
		final Calibration cal = imp.getCalibration();
		final float[] table = cal.calibrated() && imp.getBitDepth() != 32 ? cal.getCTable() : null;
		final List<RandomAccessibleInterval> frames = new ArrayList<>();
		for (int t = 1; t <= nt; t++) {
			final List<RandomAccessibleInterval> slices = new ArrayList<>();
			for (int z = 1; z <= nz; z++) {
				final List<RandomAccessibleInterval> channels = new ArrayList<>();
				for (int c = 1; c <= nc; c++) {
					channels.add(plane(stack.getPixels(imp.getStackIndex(c, z, t)), w, h, table));
				}
				slices.add(stack(channels));
			}
			frames.add(stack(slices));
		}
		return stack(frames);
	}

	/**
	 * A mask as the restore layer takes it: one X, Y plane when the image has a single plane (used for
	 * every plane of the image), else the full X, Y, C, Z, T view of {@link #wrap}. An RGB mask (a
	 * selection painted in colour) marks a pixel missing where any of its colours is not 0, said in
	 * {@code notes}.
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public static RandomAccessibleInterval<? extends RealType<?>> wrapMask(final ImagePlus mask,
		final java.util.function.Consumer<String> notes)
	{
		final RandomAccessibleInterval view = wrap(mask.getType() == ImagePlus.COLOR_RGB ? anyColour(mask,
			notes) : mask);
		return mask.getStackSize() == 1 ? Views.hyperSlice(Views.hyperSlice(Views.hyperSlice(view, 4, 0), 3,
			0), 2, 0) : view;
	}

	/** An 8-bit copy of an RGB mask: 1 where any of red, green and blue is not 0, else 0. */
	private static ImagePlus anyColour(final ImagePlus rgb, final java.util.function.Consumer<String> notes) {
		final ij.ImageStack in = rgb.getStack(), out = new ij.ImageStack(rgb.getWidth(), rgb.getHeight());
		long missing = 0;
		for (int k = 1; k <= in.getSize(); k++) {
			final int[] px = (int[]) in.getPixels(k);
			final byte[] b = new byte[px.length];
			for (int i = 0; i < px.length; i++) {
				if ((px[i] & 0xffffff) != 0) {
					b[i] = 1;
					missing++;
				}
			}
			out.addSlice(new ij.process.ByteProcessor(rgb.getWidth(), rgb.getHeight(), b));
		}
		final ImagePlus m = new ImagePlus(rgb.getTitle(), out);
		m.setDimensions(rgb.getNChannels(), rgb.getNSlices(), rgb.getNFrames());
		notes.accept("The mask " + rgb.getTitle() + " is RGB: a pixel counts as missing where any of its " +
			"red, green or blue values is not 0 (" + missing + " pixels).");
		return m;
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static RandomAccessibleInterval stack(final List<RandomAccessibleInterval> views) {
		return Views.stack((List) views);
	}

	private static RandomAccessibleInterval<?> plane(final Object pixels, final int w, final int h,
		final float[] table)
	{
		if (table != null) {
			final float[] f = new float[w * h];
			if (pixels instanceof byte[] b) for (int i = 0; i < f.length; i++) f[i] = table[b[i] & 0xff];
			else if (pixels instanceof short[] s) for (int i = 0; i < f.length; i++) f[i] = table[s[i] & 0xffff];
			else throw new IllegalArgumentException("Unsupported pixel type " + pixels.getClass()
				.getSimpleName() + ".");
			return ArrayImgs.floats(f, w, h);
		}
		if (pixels instanceof byte[] b) return ArrayImgs.unsignedBytes(b, w, h);
		if (pixels instanceof short[] s) return ArrayImgs.unsignedShorts(s, w, h);
		if (pixels instanceof float[] f) return ArrayImgs.floats(f, w, h);
		throw new IllegalArgumentException("Unsupported pixel type " + pixels.getClass().getSimpleName() +
			".");
	}

	/**
	 * A new 32-bit image from a restoration output laid out as {@link #wrap} (X, Y, C, Z, T), with the
	 * source's calibration, pixel size divided by {@code factor}.
	 */
	public static ImagePlus toImagePlus(final RandomAccessibleInterval<FloatType> image,
		final ImagePlus source, final String title, final int factor)
	{
		final Planes p = Planes.shared(image);
		final ImageStack stack = new ImageStack(p.width(), p.height());
		final ImageStack sourceStack = source.getStack();
		// Slice labels of a stack (a single image's "label" is its title and info, not carried over).
		final boolean labels = source.getStackSize() > 1;
		for (int i = 0; i < p.count(); i++) {
			stack.addSlice(labels && i < sourceStack.size() ? sourceStack.getSliceLabel(i + 1) : null,
				new FloatProcessor(p.width(), p.height(), p.plane(i)));
		}
		ImagePlus out = new ImagePlus(title, stack);
		out.setDimensions(source.getNChannels(), source.getNSlices(), source.getNFrames());
		if (source.isHyperStack() || source.getNChannels() > 1) out.setOpenAsHyperStack(true);
		final Calibration cal = source.getCalibration().copy();
		cal.pixelWidth /= factor;
		cal.pixelHeight /= factor;
		if (factor != 1) {
			cal.xOrigin *= factor;
			cal.yOrigin *= factor;
		}
		out.setCalibration(cal);
		// The values are in the source's calibrated units already; a 32-bit image keeps no function.
		if (source.getCalibration().calibrated()) {
			out.getCalibration().setFunction(Calibration.NONE, null, null);
			out.getCalibration().setValueUnit(source.getCalibration().getValueUnit());
		}
		if (source instanceof ij.CompositeImage ci && out.getNChannels() > 1) {
			// Same mode and colours, and each channel its own display range (channels differ in
			// brightness: one range would show some black and others saturated).
			final ij.CompositeImage co = new ij.CompositeImage(out, ci.getMode());
			for (int c = 1; c <= co.getNChannels(); c++) {
				co.setChannelLut(ci.getChannelLut(c), c);
				final double[] range = displayRange(p, c - 1, co.getNChannels());
				co.setPosition(c, 1, 1);
				co.setDisplayRange(range[0], range[1]);
			}
			co.setPosition(1, 1, 1);
			out = co;
		}
		else {
			// The source's lookup table (an inverted or coloured one) with a range that fits the output.
			if (source.getNChannels() == 1) out.setLut(source.getProcessor().getLut());
			final double[] range = displayRange(p, 0, 1);
			out.setDisplayRange(range[0], range[1]);
		}
		return out;
	}

	/**
	 * 0.1 and 99.9 percentiles of every stride-th plane from first (one channel, or all): a display
	 * that shows it without saturating it.
	 */
	private static double[] displayRange(final Planes p, final int first, final int stride) {
		final List<float[]> all = new ArrayList<>();
		for (int i = first; i < p.count(); i += stride) all.add(p.plane(i));
		try {
			final double[] q = sc.fiji.diffusion.engine.Percentiles.ofStrided(all, 1 << 20, 0.1, 99.9);
			return q[1] > q[0] ? q : new double[] { q[0], q[0] + 1 };
		}
		catch (final IllegalArgumentException e) {
			return new double[] { 0, 1 };
		}
	}

	/**
	 * Says in a result's Info (Image > Show Info, saved in its TIFF) which model made it and what the
	 * restoration reported (noise, what it left out), so that a result can be traced to its settings.
	 */
	public static void recordIn(final ImagePlus result, final String task, final java.nio.file.Path model,
		final java.util.List<String> report)
	{
		final StringBuilder s = new StringBuilder("Diffusion-IJ ").append(task).append(", model ").append(
			model.getFileName()).append(" (").append(model.toAbsolutePath()).append(")\n");
		for (final String line : report) s.append(line).append('\n');
		result.setProperty("Info", s.toString());
	}
}
