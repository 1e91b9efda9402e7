package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.SplittableRandom;

/**
 * Held-out denoising quality of a model: Gaussian noise of a known level on clean patches, one
 * denoiser evaluation (the posterior mean), PSNR against the clean patch with data range 1.
 */
public final class Validation {

	private Validation() {}

	/**
	 * @param sigma noise standard deviation in data units (images in [0, 1])
	 * @param seed fixes patches and noise; use one the training never saw
	 * @return mean PSNR in dB over the patches
	 */
	public static double denoisingPsnr(final NetworkDenoiser model, final PatchSource data,
		final int patch, final int count, final double sigma, final long seed)
	{
		if (!(sigma > 0)) throw new IllegalArgumentException("Noise level must be positive.");
		Autograd.off();
		final SplittableRandom random = new SplittableRandom(seed);
		final int n = patch * patch;
		final float[] clean = new float[count * n], noisy = new float[count * n];
		final float[] levels = new float[count];
		for (int i = 0; i < count; i++) {
			System.arraycopy(data.patch(random, patch), 0, clean, i * n, n);
			// The model sees [-1, 1], twice the data range: its sigma is twice the data's.
			levels[i] = (float) (2 * sigma);
		}
		for (int j = 0; j < clean.length; j++) {
			noisy[j] = (float) (clean[j] + 2 * sigma * random.nextGaussian());
		}
		final float[] denoised;
		try (NDManager m = model.manager().newSubManager()) {
			final NDArray y = m.create(noisy, new Shape(count, 1, patch, patch));
			denoised = HostReads.floats(model.denoise(y, m.create(levels)));
		}
		double total = 0;
		for (int i = 0; i < count; i++) {
			double se = 0;
			for (int j = i * n; j < (i + 1) * n; j++) {
				final double d = (denoised[j] - clean[j]) / 2;
				se += d * d;
			}
			total += 10 * Math.log10(1 / (se / n));
		}
		return total / count;
	}
}
