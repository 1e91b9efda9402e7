package sc.fiji.diffusion.restore;

/**
 * What {@code samples=0} and {@code steps=0} mean, per task: the one place of the restorations'
 * defaults, read by the command line, the commands, {@code benchmark} and {@code quality}. The
 * values are chosen by measurement (docs/quality.md: quality against network evaluations).
 * <ul>
 * <li>Denoising: the posterior mean by Tweedie, one evaluation; samples, when asked for, of
 * {@link Task#DENOISE}'s steps.</li>
 * <li>Inpainting and super-resolution: an estimate of the posterior mean, the mean of
 * {@link #INVERSE_SAMPLES} samples run side by side, each of its task's steps from a first guess
 * (the biharmonic fill of the holes, {@link Fill#firstGuess}; the bicubic image made consistent with the measured blocks, {@link Upsample#firstGuess}) with noise of
 * level {@link #start} added: the guess carries the surroundings into a hole, the sampler draws the
 * detail.</li>
 * </ul>
 */
public final class Defaults {

	/** The restorations, super-resolution by factor; each with the sampler steps of one sample. */
	public enum Task {
		/** Steps of denoising's posterior samples (its default, the posterior mean, takes one evaluation). */
		DENOISE(50),
		INPAINT(50),
		SUPER_RESOLVE_2(20),
		SUPER_RESOLVE_4(50);

		private final int steps;

		Task(final int steps) {
			this.steps = steps;
		}

		/** The inverse problem of a factor: 1 inpainting, 2 or 4 super-resolution. */
		public static Task inverse(final int factor) {
			return factor == 1 ? INPAINT : factor == 2 ? SUPER_RESOLVE_2 : SUPER_RESOLVE_4;
		}
	}

	/** Posterior samples whose mean is the default estimate of inpainting and super-resolution. */
	public static final int INVERSE_SAMPLES = 4;
	/**
	 * Noise level (model units, data range 2) the inverse problems start from their first guess;
	 * above it the schedule's levels only wash the guess out.
	 */
	public static final double START_LEVEL = 0.5;

	private Defaults() {}

	/** Samples of the default estimate: 0 (the posterior mean, one evaluation) for denoising. */
	public static int samples(final Task task) {
		return task == Task.DENOISE ? 0 : INVERSE_SAMPLES;
	}

	/** The samples to run: the given count, or the task's default for 0. */
	public static int samples(final Task task, final int given) {
		return given > 0 ? given : samples(task);
	}

	/** Sampler steps of one sample of the task. */
	public static int steps(final Task task) {
		return task.steps;
	}

	/** The steps to run: the given count, or the task's default for 0. */
	public static int steps(final Task task, final int given) {
		return given > 0 ? given : steps(task);
	}

	/** Where an inverse problem starts: from its first guess at this level (model units). */
	public static double start(final Task task) {
		if (task == Task.DENOISE) throw new IllegalArgumentException("Denoising starts from its input");
		return START_LEVEL;
	}

	/** An inverse problem's estimate in words: "mean of K samples of S steps" or "one sample of S steps". */
	public static String estimate(final int samples, final int steps) {
		return (samples == 1 ? "one sample" : "mean of " + samples + " samples") + " of " + steps + " steps";
	}
}
