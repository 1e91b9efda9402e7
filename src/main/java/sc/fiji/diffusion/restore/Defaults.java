package sc.fiji.diffusion.restore;

/**
 * What {@code samples=0} and {@code steps=0} mean, per task: the one place of the restorations'
 * defaults, read by the command line, the commands, {@code benchmark} and {@code quality}. The
 * values are chosen by measurement (docs/quality.md: quality against network evaluations).
 * <ul>
 * <li>Denoising: the posterior mean by Tweedie, one evaluation; samples, when asked for, of
 * {@link Task#DENOISE}'s steps.</li>
 * <li>Inpainting and super-resolution: an estimate of the posterior mean, the mean of the
 * task's samples run side by side, each of its task's steps from a first guess
 * (the biharmonic fill of the holes, {@link Fill#firstGuess}; the bicubic image made consistent with the measured blocks, {@link Upsample#firstGuess}) with noise of
 * the task's level ({@link #start}) added: the guess carries the surroundings into a hole, the sampler draws the
 * detail.</li>
 * </ul>
 */
public final class Defaults {

	// The measured defaults (docs/defaults.md), as constants so that the commands' annotations can
	// name them.
	/** Inpainting: 8 samples of 50 steps from level 0.5 (8 gain 0.3-0.6 dB over 4; 16 nothing more). */
	public static final int INPAINT_SAMPLES = 8, INPAINT_STEPS = 50;
	/**
	 * Inpainting on the CPU: 4 samples, half the time of 8 (a 512^2 image with the benchmark's blocks
	 * on 2 cores: 74 against 145 s) for 0.6 dB less on the benchmark's images.
	 */
	public static final int INPAINT_SAMPLES_CPU = 4;
	/** Super-resolution x2: 3 samples of 15 steps from level 0.5 (within 0.15 dB of 4 of 20). */
	public static final int SUPER_RESOLVE_2_SAMPLES = 3, SUPER_RESOLVE_2_STEPS = 15;
	/** Super-resolution x4: 4 samples of 50 steps from level 5 (the guess's low frequencies only). */
	public static final int SUPER_RESOLVE_4_SAMPLES = 4, SUPER_RESOLVE_4_STEPS = 50;
	/**
	 * Super-resolution x4's windows: 272 pixels sharing {@link #WIDE_OVERLAP} with each neighbour, a
	 * stride of 256 (a 512^2 image takes 2 x 2 windows, the last reaching 16 pixels into the mirrored
	 * edge): 1.13 instead of 1.89 network pixels per pixel of a 512^2 image. Against the patch's
	 * windows of 64, image by image on the H200 (runs 34-35, ddpm-fluo / ddpm-fluo-large): the 25 hard
	 * cases +0.31 / +0.39 dB on average (20 and 19 better), the quality benchmark's 8 images +0.07 /
	 * +0.13. At x2 they lost 1.7 / 1.9 dB on average on those 8 images, so x2 keeps the patch's.
	 * A volume's blocks keep the patch's windows ({@link RestoreOptions#patchWindows}). An output
	 * smaller than the windows takes windows of its side ({@link TiledDenoiser#of(sc.fiji.diffusion.engine.NetworkDenoiser,
	 * ai.djl.ndarray.NDManager, int, Task, int)}): on the hard cases' 128^2 outputs +1.18 / +1.43 dB over
	 * windows of 272 mirrored out, every case better (run 40).
	 */
	public static final int SUPER_RESOLVE_WINDOW = 256 + 16, WIDE_OVERLAP = 16;
	/** The inverse problems' defaults in words, for usage texts and the commands' descriptions. */
	public static final String IN_WORDS = "inpainting the mean of " + INPAINT_SAMPLES + " samples of " +
		INPAINT_STEPS + " steps (" + INPAINT_SAMPLES_CPU + " on the CPU), super-resolution x2 of " + SUPER_RESOLVE_2_SAMPLES + " of " +
		SUPER_RESOLVE_2_STEPS + ", x4 of " + SUPER_RESOLVE_4_SAMPLES + " of " + SUPER_RESOLVE_4_STEPS;

	/**
	 * The restorations, super-resolution by factor; each with the sampler steps of one sample, the
	 * samples of its default estimate and the noise level (model units, data range 2) it starts from
	 * its first guess.
	 */
	public enum Task {
		/**
		 * Steps of denoising's posterior samples (its default, the posterior mean, takes one evaluation).
		 * Windows of the patch: larger ones were 0.05-0.10 dB lower (docs/defaults.md).
		 */
		DENOISE(50, 0, 0, 0),
		INPAINT(INPAINT_STEPS, INPAINT_SAMPLES, 0.5, 0),
		/** From 0.5 (0.3 and 0.2 gave the same within 0.1 dB). */
		SUPER_RESOLVE_2(SUPER_RESOLVE_2_STEPS, SUPER_RESOLVE_2_SAMPLES, 0.5, 0),
		/**
		 * From 5: a 4 x 4 block's guess holds no thin line, the prior draws it (on the quality
		 * benchmark's images 2.6 dB above a start at 0.5, on the hard cases equal).
		 */
		SUPER_RESOLVE_4(SUPER_RESOLVE_4_STEPS, SUPER_RESOLVE_4_SAMPLES, 5, SUPER_RESOLVE_WINDOW);

		private final int steps, samples, window;
		private final double start;

		Task(final int steps, final int samples, final double start, final int window) {
			this.steps = steps;
			this.samples = samples;
			this.start = start;
			this.window = window;
		}

		/**
		 * The restoration's name in a model card's {@code auto_tasks} (one of the model layer's
		 * {@code ModelCard.TASKS}): super-resolution by any factor is one.
		 */
		public String key() {
			return this == DENOISE ? "denoise" : this == INPAINT ? "inpaint" : "super-resolve";
		}

		/** The inverse problem of a factor: 1 inpainting, 2 or 4 super-resolution. */
		public static Task inverse(final int factor) {
			return factor == 1 ? INPAINT : factor == 2 ? SUPER_RESOLVE_2 : SUPER_RESOLVE_4;
		}
	}

	private Defaults() {}

	/** Samples of the default estimate: 0 (the posterior mean, one evaluation) for denoising. */
	public static int samples(final Task task) {
		return task.samples;
	}

	/** The samples to run: the given count, or the task's default for 0. */
	public static int samples(final Task task, final int given) {
		return given > 0 ? given : samples(task);
	}

	/** The samples to run on a device: the given count, or the task's default there for 0. */
	public static int samples(final Task task, final int given, final ai.djl.Device device) {
		if (given > 0) return given;
		return task == Task.INPAINT && !device.isGpu() ? INPAINT_SAMPLES_CPU : samples(task);
	}

	/** Sampler steps of one sample of the task. */
	public static int steps(final Task task) {
		return task.steps;
	}

	/** The steps to run: the given count, or the task's default for 0. */
	public static int steps(final Task task, final int given) {
		return given > 0 ? given : steps(task);
	}

	/**
	 * The side of the task's windows, 0 for the model's training patch (with a quarter of it shared
	 * by neighbours; other windows share {@link #WIDE_OVERLAP}).
	 */
	public static int window(final Task task) {
		return task.window;
	}

	/** Where an inverse problem starts: from its first guess at this level (model units). */
	public static double start(final Task task) {
		if (task == Task.DENOISE) throw new IllegalArgumentException("Denoising starts from its input");
		return task.start;
	}

	/** An inverse problem's estimate in words: "mean of K samples of S steps" or "one sample of S steps". */
	public static String estimate(final int samples, final int steps) {
		return (samples == 1 ? "one sample" : "mean of " + samples + " samples") + " of " + steps + " steps";
	}
}
