package sc.fiji.diffusion.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import sc.fiji.diffusion.engine.NoiseSource;
import sc.fiji.diffusion.engine.SamplingListener;

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

	/**
	 * Chains first .. first + g - 1, run side by side in the batch dimension and made in the
	 * manager given: shaped (g * B, ...), chain-major (chain c holds rows c * B .. c * B + B - 1).
	 * {@code progress} hears the pass's own steps.
	 */
	interface Chains {

		NDArray sample(int first, int g, NDManager one, SamplingListener progress);
	}

	/**
	 * Mean (and spread when asked) of {@code count} samples, drawn {@code perPass} chains at a time
	 * in the batch dimension (the network calls of a pass are shared), each pass in a manager of its
	 * own; {@code progress} hears the steps of all passes as one count.
	 */
	static NDList of(final NDManager home, final int count, final int perPass, final boolean std,
		final SamplingListener progress, final Chains draw)
	{
		final Moments moments = new Moments(home);
		final int passes = (count + perPass - 1) / perPass;
		for (int first = 0; first < count; first += perPass) {
			final int g = Math.min(perPass, count - first), pass = first / perPass;
			try (NDManager one = home.newSubManager()) {
				final NDArray stacked = draw.sample(first, g, one, (i, n) -> progress.stepDone(pass * n + i,
					passes * n));
				if (g == 1) moments.add(stacked);
				else for (final NDArray chain : stacked.split(g, 0)) moments.add(chain);
			}
		}
		return moments.result(std);
	}

	/** Device arrays of a chain's state size that a sampling step holds at once, with margin. */
	static final int ARRAYS_PER_CHAIN = 12;

	/**
	 * How many chains of {@code elements} values of state each one pass runs: all {@code count} when
	 * their step's arrays fit into half the device's free memory (a fixed 2 GiB on the CPU, where
	 * native memory is not reported), else fewer, at least one.
	 */
	private static int perPass(final int count, final long elements, final ai.djl.Device device) {
		final long budget = sc.fiji.diffusion.engine.Devices.workBudget(device);
		final long bytes = Math.max(1, elements * Float.BYTES * ARRAYS_PER_CHAIN);
		return (int) Math.max(1, Math.min(count, budget / bytes));
	}

	/**
	 * {@link #perPass}, with a line in the report the first time (of a channel: {@code said} holds
	 * that) the samples do not all fit into one pass.
	 */
	static int perPass(final int count, final long elements, final ai.djl.Device device,
		final boolean[] said, final java.util.List<String> report, final String label)
	{
		final int g = perPass(count, elements, device);
		if (g < count && !said[0]) {
			said[0] = true;
			report.add(label + count + " samples run " + g + " at a time (memory of " + device + ")");
		}
		return g;
	}

	/**
	 * g copies of an array side by side in the batch dimension, chain-major, belonging to the pass's
	 * manager; the array itself (where it is) for one.
	 */
	static NDArray chains(final NDArray a, final int g, final NDManager one) {
		if (g == 1) return a;
		final long[] repeats = new long[a.getShape().dimension()];
		java.util.Arrays.fill(repeats, 1);
		repeats[0] = g;
		final NDArray copy = a.tile(repeats);
		copy.attach(one);
		return copy;
	}

	/** The noise of a restoration's chains first .. first + g - 1, side by side in the batch dimension. */
	@FunctionalInterface
	interface ChainNoise {

		NoiseSource of(int first, int g);
	}

	/** Chains of a restoration's seed, each from its own stream of the engine's generator. */
	static ChainNoise seeded(final long seed) {
		return seeded(seed, NoiseSource::seeded);
	}

	/** Chains of a restoration's seed, chain k's noise from {@code source} of its own seed. */
	static ChainNoise seeded(final long seed, final java.util.function.LongFunction<NoiseSource> source) {
		return (first, g) -> {
			final NoiseSource[] parts = new NoiseSource[g];
			for (int c = 0; c < g; c++) parts[c] = source.apply(seed * 7919 + first + c);
			return NoiseSource.stacked(parts);
		};
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
