package sc.fiji.diffusion.restore;

import ai.djl.ndarray.NDArray;

/**
 * A linear measurement A of the clean image, with a pseudo-inverse A+ (A A+ = I), on device arrays
 * shaped (S, 1, H, W). The data-consistency step of DDNM (Wang et al. 2023) only needs these two.
 */
interface Measurement {

	NDArray apply(NDArray x);

	NDArray pseudoInverse(NDArray y);

	/**
	 * How much A+ amplifies the measurement noise in the consistency threshold: 1 for a mask, f for
	 * f x f binning.
	 */
	double noiseSpread();

	/**
	 * The same measurement of g chains side by side in the batch dimension (chain-major), its
	 * arrays in the pass's manager.
	 */
	Measurement repeated(int g, ai.djl.ndarray.NDManager one);

	/** Inpainting: keep the known pixels. A x = M x, A+ y = M y (holes 0). */
	record Mask(NDArray known) implements Measurement {

		@Override
		public NDArray apply(final NDArray x) {
			return x.mul(known);
		}

		@Override
		public NDArray pseudoInverse(final NDArray y) {
			return y.mul(known);
		}

		@Override
		public double noiseSpread() {
			return 1;
		}

		@Override
		public Measurement repeated(final int g, final ai.djl.ndarray.NDManager one) {
			return g == 1 ? this : new Mask(Moments.chains(known, g, one));
		}
	}

	/** Super-resolution: camera binning, the mean over f x f blocks; A+ repeats a value over its block. */
	record Binning(int factor) implements Measurement {

		@Override
		public NDArray apply(final NDArray x) {
			final long[] s = x.getShape().getShape();
			// PyTorch's mean in DJL takes one axis at a time.
			return x.reshape(s[0], s[1], s[2] / factor, factor, s[3] / factor, factor).mean(new int[] { 5 })
				.mean(new int[] { 3 });
		}

		@Override
		public NDArray pseudoInverse(final NDArray y) {
			return y.repeat(2, factor).repeat(3, factor);
		}

		@Override
		public double noiseSpread() {
			return factor;
		}

		@Override
		public Measurement repeated(final int g, final ai.djl.ndarray.NDManager one) {
			return this;
		}
	}
}
