package sc.fiji.diffusion.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Training patches cut from the user's own images. Each image (all planes of a stack together) is put
 * in model units by {@link ModelRange}'s rule, as restoration puts it, and clipped as the network is
 * given it there; random crops, with flips and quarter turns. An image is chosen in proportion to the
 * crops it offers, so a small image is not seen as often as a large one.
 */
public final class ImagePatches implements PatchSource {

	/** sigma: the image's noise in model units (0: taken as clean). */
	private record Image(float[] pixels, int width, int height, String name, float sigma) {}

	/** Plane numbers listed in a note, at most. */
	private static final int LISTED = 10;

	private final List<Image> images = new ArrayList<>();
	private final String description;
	/** Cumulative crop counts for {@link #cumulativeSize}. */
	private long[] cumulative;
	private int cumulativeSize = -1;

	public ImagePatches(final String description) {
		this.description = description;
	}

	/**
	 * Adds the planes of one single-channel image (one plane, or a stack), normalized together over all
	 * of them (their finite values), as restoration normalizes it. Planes with missing (NaN) or
	 * infinite pixels and blank (constant) planes are then left out, and said so.
	 *
	 * @param planes row-major, width * height values each; taken over (normalized in place), so that a
	 *          large folder is held once
	 * @param notes hears what was left out, naming the image and the planes (from 1)
	 * @return the number of planes added
	 */
	public int add(final List<float[]> planes, final int width, final int height, final String name,
		final Consumer<String> notes)
	{
		return add(planes, width, height, name, notes, 0);
	}

	/**
	 * As {@link #add(List, int, int, String, Consumer)}, for a noisy image of Gaussian noise
	 * {@code noise} in the planes' units (0: clean): its level in model units goes with every patch
	 * of it, and its pixels are clipped no nearer than four times the noise to the range, as
	 * restoration clips what the network is given, so that the noise stays as it is.
	 */
	public int add(final List<float[]> planes, final int width, final int height, final String name,
		final Consumer<String> notes, final double noise)
	{
		final List<float[]> usable = new ArrayList<>();
		final List<Integer> incomplete = new ArrayList<>(), blank = new ArrayList<>();
		for (int p = 0; p < planes.size(); p++) {
			final float[] pixels = planes.get(p);
			if (pixels.length != width * height) {
				throw new IllegalArgumentException(name + ": " + pixels.length + " pixels for " + width +
					" x " + height + ".");
			}
			// One pass: a missing or infinite pixel, else whether every pixel equals the first.
			boolean complete = true, constant = true;
			for (final float v : pixels) {
				if (!Float.isFinite(v)) {
					complete = false;
					break;
				}
				if (v != pixels[0]) constant = false;
			}
			if (!complete) incomplete.add(p + 1);
			else if (constant) blank.add(p + 1);
			else usable.add(pixels);
		}
		if (!incomplete.isEmpty()) {
			notes.accept(name + ": left out " + planes(incomplete, planes.size()) + " with missing (NaN) " +
				"or infinite pixels: training needs complete planes.");
		}
		if (!blank.isEmpty()) notes.accept(name + ": left out blank " + planes(blank, planes.size()) + ".");
		if (usable.isEmpty()) return 0;
		// Over every plane, blank and incomplete ones too: restoration sees the whole stack.
		final double[] r = ModelRange.of(planes);
		final float sigma = (float) (noise * 2 / (r[1] - r[0]));
		for (final float[] pixels : usable) {
			for (int i = 0; i < pixels.length; i++) pixels[i] = ModelRange.toNetwork(pixels[i], r[0], r[1],
				sigma);
			images.add(new Image(pixels, width, height, name, sigma));
		}
		cumulativeSize = -1;
		return usable.size();
	}

	private static String planes(final List<Integer> numbers, final int of) {
		if (of == 1) return "the image";
		return (numbers.size() == 1 ? "plane " : "planes ") + listed(numbers, LISTED) + " of " + of;
	}

	/** The first {@code max} items, separated by commas, and how many more there are. */
	public static String listed(final List<?> items, final int max) {
		final StringBuilder s = new StringBuilder();
		for (int i = 0; i < Math.min(max, items.size()); i++) s.append(i > 0 ? ", " : "").append(items.get(i));
		if (items.size() > max) s.append(" and ").append(items.size() - max).append(" more");
		return s.toString();
	}

	/** Planes held. */
	public int size() {
		return images.size();
	}

	/**
	 * Checks that patches of this size can be cut: images smaller than a patch are left out and said
	 * so, and a message says what to change when none is large enough.
	 */
	public void requirePatch(final int size, final Consumer<String> notes) {
		if (images.stream().allMatch(i -> i.width < size || i.height < size)) {
			final int largest = images.stream().mapToInt(i -> Math.min(i.width, i.height)).max().orElse(0);
			final int fits = Integer.highestOneBit(Math.max(1, largest));
			throw new IllegalArgumentException("No training image is at least " + size + " x " + size +
				" pixels, the patch size (the largest has a side of " + largest + "). " + (fits >= 16
					? "Use a patch of " + fits + " or larger images." : "Use larger images (at least 16 x 16)."));
		}
		final List<String> small = images.stream().filter(i -> i.width < size || i.height < size).map(
			i -> i.name + " (" + i.width + " x " + i.height + ")").distinct().toList();
		if (!small.isEmpty()) {
			notes.accept("Left out, smaller than the " + size + " x " + size + " patch: " + listed(small,
				LISTED) + ".");
		}
	}

	@Override
	public double highestNoise() {
		return images.stream().mapToDouble(Image::sigma).max().orElse(0);
	}

	@Override
	public double lowestNoise() {
		return images.stream().mapToDouble(Image::sigma).min().orElse(0);
	}

	@Override
	public float[] patch(final SplittableRandom random, final int size) {
		return noisyPatch(random, size).pixels();
	}

	@Override
	public Noisy noisyPatch(final SplittableRandom random, final int size) {
		if (images.isEmpty()) throw new IllegalStateException("No training images.");
		final long[] c = cumulative(size);
		if (c[c.length - 1] == 0) {
			throw new IllegalArgumentException("No training image is at least " + size + " x " + size + ".");
		}
		final long pick = random.nextLong(c[c.length - 1]);
		int k = Arrays.binarySearch(c, pick + 1);
		if (k < 0) k = -k - 1;
		while (k > 0 && c[k - 1] == c[k]) k--;
		final Image im = images.get(k);
		final int x0 = random.nextInt(im.width - size + 1), y0 = random.nextInt(im.height - size + 1);
		return new Noisy(symmetric(im.pixels, im.width, x0, y0, size, random), im.sigma);
	}

	/**
	 * The size x size crop at (x0, y0) of a row-major image of the given width, under one of the eight
	 * symmetries of the square (two flips and a transpose) drawn from random.
	 */
	static float[] symmetric(final float[] pixels, final int width, final int x0, final int y0,
		final int size, final SplittableRandom random)
	{
		final boolean flip = random.nextBoolean(), flipY = random.nextBoolean(), transpose = random
			.nextBoolean();
		final float[] out = new float[size * size];
		for (int y = 0; y < size; y++) {
			for (int x = 0; x < size; x++) {
				int sx = flip ? size - 1 - x : x, sy = flipY ? size - 1 - y : y;
				if (transpose) {
					final int t = sx;
					sx = sy;
					sy = t;
				}
				out[y * size + x] = pixels[(y0 + sy) * width + x0 + sx];
			}
		}
		return out;
	}

	/** Running totals of the crops each image offers at this size (0 for images smaller than it). */
	private synchronized long[] cumulative(final int size) {
		if (size != cumulativeSize) {
			final long[] c = new long[images.size()];
			long total = 0;
			for (int i = 0; i < c.length; i++) {
				final Image im = images.get(i);
				if (im.width >= size && im.height >= size) {
					total += (long) (im.width - size + 1) * (im.height - size + 1);
				}
				c[i] = total;
			}
			cumulative = c;
			cumulativeSize = size;
		}
		return cumulative;
	}

	@Override
	public String toString() {
		return description;
	}
}
