package sc.fiji.diffusion.ij;

import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;

import java.util.Arrays;
import java.util.Random;

/**
 * Test fixture: the images a user gets wrong, shared by the command line's and the commands' bad-input
 * matrices. Images are 32 x 32 unless their size is the point.
 */
public final class BadImages {

	public static final int N = 32;

	private BadImages() {}

	/** Stripes with Gaussian noise of sigma 20 around 300. */
	public static FloatProcessor noisy(final int w, final int h, final long seed) {
		final Random r = new Random(seed);
		final float[] px = new float[w * h];
		for (int i = 0; i < px.length; i++) px[i] = (float) (300 + 100 * Math.sin(i % w / 4.0) + 20 * r
			.nextGaussian());
		return new FloatProcessor(w, h, px);
	}

	public static FloatProcessor filled(final float v) {
		final float[] px = new float[N * N];
		Arrays.fill(px, v);
		return new FloatProcessor(N, N, px);
	}

	public static ColorProcessor rgb() {
		final ColorProcessor rgb = new ColorProcessor(N, N);
		rgb.setColor(0x336699);
		rgb.fill();
		return rgb;
	}

	/** Noisy, with pixel 5 NaN and pixel 40 infinite. */
	public static FloatProcessor holes() {
		final FloatProcessor p = noisy(N, N, 1);
		p.setf(5, Float.NaN);
		p.setf(40, Float.POSITIVE_INFINITY);
		return p;
	}

	/**
	 * NaN at every pixel of even x and y: no 3 x 3 neighbourhood without one, so the noise cannot be
	 * estimated, yet three pixels in four are known.
	 */
	public static FloatProcessor grid() {
		final FloatProcessor p = noisy(N, N, 4);
		for (int y = 0; y < N; y += 2) for (int x = 0; x < N; x += 2) p.setf(x, y, Float.NaN);
		return p;
	}

	/** A mask of side n: an 8 x 5 rectangle of 255 at (4, 6). */
	public static ByteProcessor rectangle(final int n) {
		final ByteProcessor m = new ByteProcessor(n, n);
		m.setValue(255);
		m.setRoi(4, 6, 8, 5);
		m.fill();
		m.resetRoi();
		return m;
	}

	/** The rectangle mask with its first three pixels NaN. */
	public static FloatProcessor nanMask() {
		final FloatProcessor m = rectangle(N).convertToFloatProcessor();
		for (int i = 0; i < 3; i++) m.setf(i, Float.NaN);
		return m;
	}

	/** A mask with every pixel missing. */
	public static ByteProcessor fullMask() {
		final ByteProcessor m = new ByteProcessor(N, N);
		m.setValue(1);
		m.fill();
		return m;
	}
}
