package sc.fiji.diffusion.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Running mean and spread of posterior samples on the device (Welford's update, no read-back). Only
 * the running mean and sum of squares live in the home manager; each sample and its intermediates
 * stay in the manager the caller closes after {@link #add}, so device memory does not grow with the
 * number of samples.
 */
final class Moments {

	private final NDManager home;
	private NDArray mean, m2;
	private int count;

	Moments(final NDManager home) {
		this.home = home;
	}

	/** One posterior sample, made in the manager given (closed after its moments are taken). */
	interface Draw {

		NDArray sample(int k, NDManager one);
	}

	/** Mean (and spread when asked) of count samples, each drawn in a manager of its own. */
	static NDList of(final NDManager home, final int count, final boolean std, final Draw draw) {
		final Moments moments = new Moments(home);
		for (int k = 0; k < count; k++) {
			try (NDManager one = home.newSubManager()) {
				moments.add(draw.sample(k, one));
			}
		}
		return moments.result(std);
	}

	void add(final NDArray sample) {
		count++;
		if (mean == null) {
			mean = sample.duplicate();
			mean.attach(home);
			m2 = home.zeros(sample.getShape(), sample.getDataType());
			return;
		}
		final NDArray delta = sample.sub(mean);
		final NDArray next = mean.add(delta.div(count));
		final NDArray nextM2 = m2.add(delta.mul(sample.sub(next)));
		mean.close();
		m2.close();
		mean = next;
		m2 = nextM2;
	}

	/** The mean, and the sample standard deviation when asked (zero for a single sample). */
	NDList result(final boolean std) {
		final NDList out = new NDList(mean);
		if (std) out.add(count > 1 ? m2.div(count - 1).sqrt() : m2);
		return out;
	}
}
