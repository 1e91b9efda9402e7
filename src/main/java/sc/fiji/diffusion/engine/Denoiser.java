package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;

/**
 * A denoiser {@code D(x, sigma)}: the estimate of the clean image x0 from a state
 * {@code x = x0 + sigma * n} of the sigma view. Both model families, and the exact denoisers used in
 * tests, are seen by the samplers only through this interface.
 */
@FunctionalInterface
public interface Denoiser {

	/**
	 * @param x states, (N, C, H, W), on the model's device
	 * @param sigma noise level of each state, (N), or one level for all of them, (1), on the same
	 *          device
	 * @return the estimate of x0, shape of x, on the same device
	 */
	NDArray denoise(NDArray x, NDArray sigma);

	/** Noise estimate {@code (x - D) / sigma}. */
	static NDArray noise(final NDArray x, final NDArray denoised, final NDArray sigma) {
		return x.sub(denoised).div(perSample(sigma, x));
	}

	/** Score estimate {@code (D - x) / sigma^2}, the gradient of log p_sigma at x (Tweedie). */
	static NDArray score(final NDArray x, final NDArray denoised, final NDArray sigma) {
		final NDArray s = perSample(sigma, x);
		return denoised.sub(x).div(s.mul(s));
	}

	/** Reshapes per-sample values (N) to (N, 1, 1, ...) so they broadcast over one sample of x. */
	static NDArray perSample(final NDArray values, final NDArray like) {
		final long[] shape = new long[like.getShape().dimension()];
		java.util.Arrays.fill(shape, 1);
		shape[0] = -1;
		return values.reshape(shape);
	}
}
