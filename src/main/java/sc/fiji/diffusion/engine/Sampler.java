package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Arrays;
import java.util.Locale;

/**
 * A reverse-process sampler in the sigma view ({@code x = x0 + sigma n}), independent of the model
 * family. Its step loop keeps every array on the denoiser's device and reads nothing back: all
 * per-step coefficients are computed on the host before the loop and copied to the device once.
 */
public abstract class Sampler {

	/**
	 * The most network evaluations a run may take: beyond, a run takes hours for little gain (100000
	 * steps of inpainting took about a day on a CPU).
	 */
	public static final int MAX_STEPS = 1000;

	/** Steps from 1 to {@link #MAX_STEPS}, else a message that says so. */
	public static void checkSteps(final int steps) {
		if (steps < 1 || steps > MAX_STEPS) {
			throw new IllegalArgumentException("Steps must be at least 1 and at most " + MAX_STEPS +
				", got " + steps + ": beyond that a run takes hours for little gain.");
		}
	}

	/** Names accepted by {@link #byName(String)}. */
	public static final String NAMES = "ddpm, ddim, ddim:ETA, langevin, pc, dpm++";

	/**
	 * The sampler's own grid of {@code steps} noise levels for a schedule, decreasing from its largest
	 * sigma (a subclass may choose another spacing).
	 */
	public double[] grid(final NoiseSchedule schedule, final int steps) {
		return schedule.sigmas(steps);
	}

	/**
	 * Runs the reverse process.
	 *
	 * @param x the state at {@code sigmas[0]}, (N, C, H, W); not modified
	 * @param sigmas decreasing positive noise levels; the sampler ends with the denoised estimate
	 * @return the sample, attached to x's manager
	 */
	public final NDArray sample(final Denoiser denoiser, final NDArray x, final double[] sigmas,
		final NoiseSource noise, final SamplingListener listener)
	{
		checkGrid(sigmas);
		final NDManager parent = x.getManager();
		try (NDManager run = parent.newSubManager()) {
			final Plan plan = plan(sigmas, run);
			final long n = x.getShape().get(0);
			NDArray state = x.duplicate();
			state.attach(run);
			final int total = plan.steps();
			for (int i = 0; i < total; i++) {
				try (NDManager step = run.newSubManager()) {
					step.tempAttachAll(plan.arrays());
					state.attach(step);
					final NDArray next = plan.step(i, state, denoiser, noise, n, step);
					next.attach(run);
					state = next;
				}
				(listener == null ? SamplingListener.NONE : listener).stepDone(i + 1, total);
			}
			state.attach(parent);
			return state;
		}
	}

	/** Host-side preparation for one run: coefficient tables and the step rule. */
	protected abstract Plan plan(double[] sigmas, NDManager manager);

	/** The prepared steps of one run. */
	protected interface Plan {

		int steps();

		/** Long-lived device arrays read by the steps. */
		NDArray[] arrays();

		/** One step; every new array belongs to {@code manager}. */
		NDArray step(int i, NDArray x, Denoiser denoiser, NoiseSource noise, long batch,
			NDManager manager);
	}

	/** Per-step host values as one device array; {@link #level} reads one entry without a host copy. */
	public static NDArray table(final NDManager manager, final double[] values) {
		final float[] f = new float[values.length];
		for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
		return manager.create(f);
	}

	/**
	 * Entry i of a table as the denoiser's one level for all the states, shaped (1): a network then
	 * takes one embedding for the whole batch ({@link NetworkDenoiser#denoise}).
	 */
	public static NDArray level(final NDArray table, final int i) {
		return table.get(i).reshape(1);
	}

	/** Entry i of a table as a scalar for broadcasting over a state. */
	public static NDArray scalar(final NDArray table, final int i) {
		return table.get(i);
	}

	private static void checkGrid(final double[] sigmas) {
		if (sigmas == null || sigmas.length == 0) {
			throw new IllegalArgumentException("A sampler needs at least one noise level.");
		}
		for (int i = 0; i < sigmas.length; i++) {
			if (!(sigmas[i] > 0) || !Double.isFinite(sigmas[i]) || i > 0 && !(sigmas[i] < sigmas[i - 1])) {
				throw new IllegalArgumentException("Noise levels must be positive, finite and strictly " +
					"decreasing: " + Arrays.toString(sigmas));
			}
		}
	}

	/**
	 * A sampler from its name: {@code ddpm} (ancestral), {@code ddim} (eta 0) or {@code ddim:ETA},
	 * {@code langevin} (NCSN annealed Langevin dynamics), {@code pc} (reverse-SDE predictor-corrector),
	 * {@code dpm++} (DPM-Solver++(2M)).
	 */
	public static Sampler byName(final String name) {
		final String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
		if (n.equals("ddpm") || n.equals("ancestral")) return new DdimSampler(1);
		if (n.equals("ddim")) return new DdimSampler(0);
		if (n.startsWith("ddim:")) {
			try {
				return new DdimSampler(Double.parseDouble(n.substring(5)));
			}
			catch (final NumberFormatException e) {
				throw new IllegalArgumentException("DDIM's eta must be a number, as in ddim:0.5; got '" +
					name + "'.");
			}
		}
		if (n.equals("langevin") || n.equals("ald")) return new LangevinSampler(10, 5e-5);
		if (n.equals("pc")) return new PredictorCorrectorSampler(0.16);
		if (n.equals("dpm++") || n.equals("dpm++2m") || n.equals("dpmpp")) return new DpmSolverSampler();
		throw new IllegalArgumentException("Unknown sampler '" + name + "': use one of " + NAMES + ".");
	}
}
