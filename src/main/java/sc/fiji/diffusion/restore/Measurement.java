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

	/**
	 * Inpainting: keep the known pixels. A x = M x, A+ y = M y (holes 0).
	 *
	 * @param known 1 where known, 0 in the holes, (S, 1, H, W) on the device
	 * @param holes the same on the host (true in the holes, row-major per image), so that nothing is
	 *          read back to learn where they are
	 */
	record Mask(NDArray known, boolean[] holes) implements Measurement {

		/** The mask of host values 1 (known) and 0 (hole), shaped (S, 1, H, W) on the manager's device. */
		static Mask of(final ai.djl.ndarray.NDManager m, final float[] known,
			final ai.djl.ndarray.types.Shape shape)
		{
			final boolean[] holes = new boolean[known.length];
			for (int i = 0; i < known.length; i++) holes[i] = known[i] == 0;
			return new Mask(m.create(known, shape), holes);
		}

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
			if (g == 1) return this;
			final boolean[] all = new boolean[holes.length * g];
			for (int c = 0; c < g; c++) System.arraycopy(holes, 0, all, c * holes.length, holes.length);
			return new Mask(Moments.chains(known, g, one), all);
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
