package sc.fiji.diffusion.volume;

/** Boxes of n-d arrays held flat in C order. */
final class Boxes {

	private Boxes() {}

	/**
	 * Copies the box of {@code size} at {@code from} in {@code src} (sides {@code srcDims}) to
	 * {@code to} in {@code dst} (sides {@code dstDims}), a run of the last axis at a time.
	 */
	static void copy(final float[] src, final int[] srcDims, final long[] from, final float[] dst,
		final int[] dstDims, final long[] to, final int[] size)
	{
		final int dims = size.length;
		for (final int s : size) if (s <= 0) return;
		final int[] p = new int[dims];
		while (true) {
			int s = 0, t = 0;
			for (int d = 0; d < dims; d++) {
				s = s * srcDims[d] + (int) (from[d] + p[d]);
				t = t * dstDims[d] + (int) (to[d] + p[d]);
			}
			System.arraycopy(src, s, dst, t, size[dims - 1]);
			int d = dims - 2;
			while (d >= 0 && p[d] == size[d] - 1) {
				p[d] = 0;
				d--;
			}
			if (d < 0) return;
			p[d]++;
		}
	}
}
