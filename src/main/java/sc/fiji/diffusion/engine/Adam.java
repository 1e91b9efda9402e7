package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba 2015) with gradient-norm clipping, whose moments can be saved: DJL's own Adam
 * keeps them private, so a run resumed from a checkpoint would restart its moments from zero and
 * follow a different path.
 */
final class Adam {

	private final double learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, maxNorm;
	private final Map<String, NDArray> first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
	private long step;
	/** Updates over which the learning rate ramps up from zero after the moments restart (0: none). */
	private long warmFrom, warmTo;

	Adam(final double learningRate, final double maxNorm) {
		this.learningRate = learningRate;
		this.maxNorm = maxNorm;
	}

	long step() {
		return step;
	}

	/**
	 * Ramps the learning rate linearly over the next {@code updates} updates: moments restarted from
	 * zero on weights that are already trained (a continuation from a model folder) would otherwise
	 * take full-size steps on estimates of one batch.
	 */
	void warmUp(final long updates) {
		warmFrom = step;
		warmTo = step + updates;
	}

	/** The warm-up's first and last update, for a checkpoint: {from, to}. */
	long[] warmUpRange() {
		return new long[] { warmFrom, warmTo };
	}

	/** A checkpoint's warm-up back (see {@link #warmUpRange}). */
	void warmUpRange(final long from, final long to) {
		warmFrom = from;
		warmTo = to;
	}

	/** Updates of the last warm-up (0 when none). */
	long warmUpSteps() {
		return warmTo - warmFrom;
	}

	/** The learning rate of update number {@code n} (counted from 1). */
	double learningRate(final long n) {
		return n >= warmTo ? learningRate : learningRate * (n - warmFrom) / (warmTo - warmFrom);
	}

	/** One update of every parameter from its gradient; grad mode must be off. */
	void update(final Map<String, NDArray> parameters, final NDManager manager) {
		step++;
		for (final Map.Entry<String, NDArray> e : parameters.entrySet()) {
			first.computeIfAbsent(e.getKey(), k -> manager.zeros(e.getValue().getShape()));
			second.computeIfAbsent(e.getKey(), k -> manager.zeros(e.getValue().getShape()));
		}
		// Temporaries of this update live and die in a sub-manager.
		try (NDManager sub = manager.newSubManager()) {
			sub.tempAttachAll(parameters.values().toArray(new NDArray[0]));
			sub.tempAttachAll(first.values().toArray(new NDArray[0]));
			sub.tempAttachAll(second.values().toArray(new NDArray[0]));
			apply(parameters);
		}
	}

	private void apply(final Map<String, NDArray> parameters) {
		// Global norm over all gradients, then one scale factor: clipping by norm keeps rare large
		// gradients (tiny sigma in NCSN) from wrecking the weights.
		NDArray sumSquares = null;
		for (final NDArray p : parameters.values()) {
			final NDArray s = p.getGradient().square().sum();
			sumSquares = sumSquares == null ? s : sumSquares.add(s);
		}
		final NDArray scale = sumSquares.sqrt().add(1e-12).pow(-1).mul(maxNorm).minimum(1);
		final double c1 = 1 - Math.pow(beta1, step), c2 = 1 - Math.pow(beta2, step);
		// This step's constants on the device once, shared by every parameter: a Java number in an
		// array operation is a copy to the device each time (hundreds per step on a GPU).
		final NDManager sm = scale.getManager();
		final NDArray b1 = sm.create((float) beta1), b1Rest = sm.create((float) (1 - beta1)), b2 = sm
			.create((float) beta2), b2Rest = sm.create((float) (1 - beta2)), unbias1 = sm.create(
				(float) (learningRate(step) / c1)), unbias2 = sm.create((float) (1 / c2)), eps = sm.create(
					(float) epsilon);
		for (final Map.Entry<String, NDArray> e : parameters.entrySet()) {
			final NDArray p = e.getValue();
			final NDArray g = p.getGradient().mul(scale);
			final NDArray m = first.get(e.getKey());
			final NDArray v = second.get(e.getKey());
			m.muli(b1).addi(g.mul(b1Rest));
			v.muli(b2).addi(g.square().mul(b2Rest));
			p.subi(m.mul(unbias1).div(v.mul(unbias2).sqrt().add(eps)));
		}
	}

	/** Moments as host tensors, keyed "m/NAME" and "v/NAME", plus the step. */
	void save(final Map<String, TensorFile.Tensor> out) {
		for (final Map.Entry<String, NDArray> e : first.entrySet()) {
			out.put("adam_m/" + e.getKey(), Checkpoint.toHost(e.getValue()));
			out.put("adam_v/" + e.getKey(), Checkpoint.toHost(second.get(e.getKey())));
		}
	}

	void load(final Map<String, TensorFile.Tensor> in, final long atStep, final NDManager manager) {
		first.clear();
		second.clear();
		for (final Map.Entry<String, TensorFile.Tensor> e : in.entrySet()) {
			if (e.getKey().startsWith("adam_m/")) {
				first.put(e.getKey().substring(7), Checkpoint.toDevice(e.getValue(), manager));
			}
			else if (e.getKey().startsWith("adam_v/")) {
				second.put(e.getKey().substring(7), Checkpoint.toDevice(e.getValue(), manager));
			}
		}
		step = atStep;
	}
}
