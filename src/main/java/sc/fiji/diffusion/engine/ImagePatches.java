package sc.fiji.diffusion.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training patches cut from the user's own images: each image normalized once by its 1st and 99.8th
 * percentiles (as at restoration time), random crops, flips and quarter turns, scaled to [-1, 1].
 */
public final class ImagePatches implements PatchSource {

	private record Image(float[] pixels, int width, int height) {}

	private final List<Image> images = new ArrayList<>();
	private final String description;

	public ImagePatches(final String description) {
		this.description = description;
	}

	/** Adds one 2-D image (row-major). Images with NaN or without contrast are refused. */
	public void add(final float[] pixels, final int width, final int height, final String name) {
		if (pixels.length != width * height) {
			throw new IllegalArgumentException(name + ": " + pixels.length + " pixels for " + width + " x " +
				height + ".");
		}
		for (final float v : pixels) {
			if (!Float.isFinite(v)) {
				throw new IllegalArgumentException(name + " holds NaN or infinite pixels: training needs " +
					"complete images.");
			}
		}
		final double[] p = Percentiles.of(pixels, 1, 99.8);
		if (!(p[1] > p[0])) throw new IllegalArgumentException(name + " has no contrast: leave it out.");
		final float[] n = new float[pixels.length];
		for (int i = 0; i < n.length; i++) n[i] = (float) ((pixels[i] - p[0]) / (p[1] - p[0]));
		images.add(new Image(n, width, height));
	}

	public int size() {
		return images.size();
	}

	/** Smallest side among the images: patches must fit in every image. */
	public int smallestSide() {
		return images.stream().mapToInt(i -> Math.min(i.width, i.height)).min().orElse(0);
	}

	@Override
	public float[] patch(final SplittableRandom random, final int size) {
		if (images.isEmpty()) throw new IllegalStateException("No training images.");
		final Image im = images.get(random.nextInt(images.size()));
		if (im.width < size || im.height < size) {
			throw new IllegalArgumentException("Training images must be at least " + size + " x " + size +
				"; one is " + im.width + " x " + im.height + ".");
		}
		final int x0 = random.nextInt(im.width - size + 1), y0 = random.nextInt(im.height - size + 1);
		// Two flips and a transpose: all eight symmetries of the square.
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
				out[y * size + x] = 2 * im.pixels[(y0 + sy) * im.width + x0 + sx] - 1;
			}
		}
		return out;
	}

	@Override
	public String toString() {
		return description;
	}
}
