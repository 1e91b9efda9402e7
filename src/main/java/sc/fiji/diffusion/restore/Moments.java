package sc.fiji.diffusion.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/** Running mean and spread of posterior samples on the device (Welford's update, no read-back). */
final class Moments {

	private NDArray mean, m2;
	private int count;

	void add(final NDArray sample) {
		count++;
		if (mean == null) {
			mean = sample;
			m2 = sample.zerosLike();
			return;
		}
		final NDArray delta = sample.sub(mean);
		final NDArray next = mean.add(delta.div(count));
		m2 = m2.add(delta.mul(sample.sub(next)));
		mean = next;
	}

	/** The mean, and the sample standard deviation when asked (zero for a single sample). */
	NDList result(final boolean std) {
		final NDList out = new NDList(mean);
		if (std) out.add(count > 1 ? m2.div(count - 1).sqrt() : m2);
		return out;
	}
}
