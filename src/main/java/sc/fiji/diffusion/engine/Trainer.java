package sc.fiji.diffusion.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a denoising network of either family: DDPM's noise-prediction loss on continuous timesteps
 * (so fractional timesteps are served), NCSN's denoising score matching on log-uniform sigmas. Keeps
 * an exponential moving average of the weights, which is what a model ships. Every random number of
 * step k comes from (seed, k), so a run resumed from a checkpoint at step k follows the uninterrupted
 * run exactly.
 */
public final class Trainer implements AutoCloseable {

	/** What defines a training run; saved in every checkpoint. */
	public record Config(Family family, NoiseSchedule schedule, UNetConfig network, int patch,
		int batch, double learningRate, double emaDecay, long seed)
	{

		public Config {
			if (family == Family.DDPM != schedule instanceof VpSchedule) {
				throw new IllegalArgumentException("Family " + family.key() + " does not fit schedule " +
					schedule.describe().get("type") + ".");
			}
			if (patch < network.sizeMultiple() || patch % network.sizeMultiple() != 0) {
				throw new IllegalArgumentException("Patch size must be a positive multiple of " + network
					.sizeMultiple() + ", got " + patch + ".");
			}
			if (batch < 1) throw new IllegalArgumentException("Batch size must be at least 1.");
			if (!(learningRate > 0)) throw new IllegalArgumentException("Learning rate must be positive.");
			if (!(emaDecay >= 0 && emaDecay < 1)) {
				throw new IllegalArgumentException("EMA decay must be in [0, 1).");
			}
		}

		/** Adam's learning rate and the EMA decay of the shipped models' recipe. */
		public static final double DEFAULT_LEARNING_RATE = 3e-4, DEFAULT_EMA_DECAY = 0.999;

		/**
		 * The shipped models' recipe: DDPM on the linear VP schedule (1000 steps, beta 1e-4..0.02),
		 * NCSN on the geometric VE schedule (sigma 0.01..50), a U-Net of the given widths with
		 * {@code resBlocks} residual blocks per level (the shipped models: 1).
		 */
		public static Config standard(final Family family, final int[] widths, final int resBlocks,
			final int patch, final int batch, final double learningRate, final double emaDecay, final long seed)
		{
			final NoiseSchedule schedule = family == Family.DDPM ? VpSchedule.linear(1000, 1e-4, 0.02)
				: new VeSchedule(0.01, 50);
			return new Config(family, schedule, new UNetConfig(widths, resBlocks, 8, 128), patch, batch,
				learningRate, emaDecay, seed);
		}

		/** Default seeds of the two families' shipped models. */
		public static long defaultSeed(final Family family) {
			return family == Family.DDPM ? 11 : 12;
		}

		Map<String, Object> describe() {
			final Map<String, Object> m = new LinkedHashMap<>();
			m.put("family", family.key());
			m.put("schedule", schedule.describe());
			m.put("network", network.describe());
			m.put("patch", patch);
			m.put("batch", batch);
			m.put("learning_rate", learningRate);
			m.put("ema_decay", emaDecay);
			m.put("seed", seed);
			return m;
		}

		static Config fromMap(final Map<?, ?> m) {
			return new Config(Family.parse((String) m.get("family")), NoiseSchedule.fromCard((Map<?, ?>) m
				.get("schedule")), UNetConfig.fromCard((Map<?, ?>) m.get("network")), ((Number) m.get(
					"patch")).intValue(), ((Number) m.get("batch")).intValue(), ((Number) m.get(
						"learning_rate")).doubleValue(), ((Number) m.get("ema_decay")).doubleValue(),
				((Number) m.get("seed")).longValue());
		}
	}

	/** What a listener hears after each step. */
	public record Progress(long step, double loss, double averageLoss, double secondsPerStep,
		double seconds)
	{}

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().setObjectToNumberStrategy(
		com.google.gson.ToNumberPolicy.LONG_OR_DOUBLE).create();

	private final Config config;
	private final PatchSource data;
	private final NDManager manager;
	private final UNet network;
	private final NetworkDenoiser denoiser;
	private final Adam adam;
	private final Map<String, NDArray> trainable = new LinkedHashMap<>();
	private final Map<String, NDArray> ema = new LinkedHashMap<>();
	private long step;
	private double seconds;
	private double averageLoss = Double.NaN;
	/** Runs before this one (a model's training record is the list of its runs), oldest first. */
	private final List<Map<String, Object>> earlierRuns = new ArrayList<>();
	private long runFromStep;
	private double runFromSeconds;
	private String note = "";
	/** Levels at or below this sigma (model units) get {@link #FOCUS_FRACTION} of the patches; 0: none. */
	private double focus;

	public Trainer(final Config config, final PatchSource data, final Device device) {
		this.config = config;
		this.data = data;
		manager = NDManager.newBaseManager(device);
		network = new UNet(config.network(), 1);
		synchronized (NoiseSource.GENERATOR) {
			Engine.getInstance().setRandomSeed((int) config.seed());
			network.initialize(manager, DataType.FLOAT32, new Shape(config.batch(), 1, config.patch(), config
				.patch()), new Shape(config.batch()));
		}
		denoiser = new NetworkDenoiser(config.family(), config.schedule(), network, manager);
		adam = new Adam(config.learningRate(), 1.0);
		for (final Pair<String, Parameter> p : network.getParameters()) {
			final NDArray a = p.getValue().getArray();
			if (p.getValue().requiresGradient()) trainable.put(p.getKey(), a);
			ema.put(p.getKey(), a.duplicate());
		}
	}

	public Config config() {
		return config;
	}

	public long step() {
		return step;
	}

	public double seconds() {
		return seconds;
	}

	/** A free text recorded with this run, e.g. the machine's name (a device string says "gpu(0)"). */
	public void note(final String text) {
		note = text == null ? "" : text;
	}

	/**
	 * Trains {@link #FOCUS_FRACTION} of each batch at levels at or below {@code sigma} (model units;
	 * drawn as the family draws all levels, within that range), the rest at every level: a model meant
	 * for denoising, which asks only for levels below the image's noise, learns those faster. 0 (the
	 * default) draws every patch from the whole range.
	 */
	public void focus(final double sigma) {
		if (!(sigma >= 0) || Double.isInfinite(sigma)) {
			throw new IllegalArgumentException("The focus level must be a positive sigma (model units), or 0 " +
				"for none; got " + sigma + ".");
		}
		focus = sigma;
	}

	/** Share of each batch that a {@link #focus(double)} level trains. */
	public static final double FOCUS_FRACTION = 0.5;

	/**
	 * Every run of this model, oldest first, this one last: device, data, steps from and to, batch, patch,
	 * learning rate and warm-up, seconds. A run resumed from a checkpoint or continued from a model's
	 * weights appends to the record it continues.
	 */
	public List<Map<String, Object>> runs() {
		final List<Map<String, Object>> all = new ArrayList<>(earlierRuns);
		final Map<String, Object> r = new LinkedHashMap<>();
		r.put("device", manager.getDevice().toString() + ", " + Runtime.getRuntime()
			.availableProcessors() + " CPU cores");
		if (!note.isEmpty()) r.put("note", note);
		// What this run trained on, in short (the card's training.data says it in full).
		r.put("data", data.label());
		r.put("from_step", runFromStep);
		r.put("to_step", step);
		r.put("batch", config.batch());
		r.put("patch", config.patch());
		r.put("learning_rate", config.learningRate());
		if (adam.warmUpSteps() > 0) r.put("warm_up_steps", adam.warmUpSteps());
		if (focus > 0) r.put("focus", Map.of("sigma", focus, "fraction", FOCUS_FRACTION));
		r.put("seconds", Math.round(seconds - runFromSeconds));
		all.add(r);
		return all;
	}

	/** One optimizer step on a fresh batch; returns its loss. */
	public double trainStep() {
		final long start = System.nanoTime();
		final Batch batch = batch(randomOfStep(config.seed(), step));
		final double loss;
		try (NDManager sub = manager.newSubManager()) {
			try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
				final NDArray l = batch.loss(sub);
				gc.backward(l);
				loss = HostReads.scalar(l);
			}
			Autograd.off();
			if (!Double.isFinite(loss)) {
				throw new IllegalStateException("Training diverged at step " + step + " (loss " + loss +
					"): lower the learning rate or check the data for NaN.");
			}
			adam.update(trainable, manager);
			updateEma(sub);
			for (final NDArray a : trainable.values()) Autograd.zeroGradient(a);
		}
		step++;
		seconds += (System.nanoTime() - start) / 1e9;
		averageLoss = Double.isNaN(averageLoss) ? loss : 0.98 * averageLoss + 0.02 * loss;
		return loss;
	}

	/**
	 * Loss of the current weights on batches fixed by {@code seed} (same patches, noise and sigmas at
	 * every call): a validation number that moves only when the weights do.
	 */
	public double evaluate(final long seed, final int batches) {
		Autograd.off();
		double total = 0;
		for (int k = 0; k < batches; k++) {
			final Batch batch = batch(randomOfStep(seed, k));
			try (NDManager sub = manager.newSubManager()) {
				total += HostReads.scalar(batch.loss(sub));
			}
		}
		return total / batches;
	}

	/** Clean patches, their noise and noise levels: everything random about one step. */
	private final class Batch {

		/** sigmaN is null for clean patches. */
		final float[] x0, noise, sigma, sigmaN;

		Batch(final float[] x0, final float[] noise, final float[] sigma, final float[] sigmaN) {
			this.x0 = x0;
			this.noise = noise;
			this.sigma = sigma;
			this.sigmaN = sigmaN;
		}

		NDArray loss(final NDManager m) {
			final Shape shape = new Shape(config.batch(), 1, config.patch(), config.patch());
			return denoiser.loss(m.create(x0, shape), m.create(noise, shape), m.create(sigma), sigmaN ==
				null ? null : m.create(sigmaN));
		}
	}

	private Batch batch(final SplittableRandom random) {
		final int b = config.batch(), p = config.patch(), n = p * p;
		final float[] x0 = new float[b * n], noise = new float[b * n], sigma = new float[b], sigmaN =
			new float[b];
		// One generator per sample, split from the step's in order, so that the samples are drawn on
		// all cores (on a GPU the drawing would otherwise take a large part of a step) and a step is
		// still the same from its seed.
		final SplittableRandom[] own = new SplittableRandom[b];
		for (int i = 0; i < b; i++) own[i] = random.split();
		java.util.stream.IntStream.range(0, b).parallel().forEach(i -> {
			final PatchSource.Noisy patch = data.noisyPatch(own[i], p);
			if (patch.pixels().length != n) {
				throw new IllegalStateException("Patch source gave " + patch.pixels().length + " values for a " +
					p + " x " + p + " patch.");
			}
			System.arraycopy(patch.pixels(), 0, x0, i * n, n);
			// Noise below the model's smallest level is taken as clean: the prior is trained there anyway.
			sigmaN[i] = patch.sigma() < config.schedule().sigmaMin() ? 0 : patch.sigma();
			sigma[i] = (float) sampleSigma(own[i], sigmaN[i] * (1 + NOISY_MARGIN));
			for (int j = i * n; j < (i + 1) * n; j++) noise[j] = (float) own[i].nextGaussian();
		});
		boolean noisy = false;
		for (final float v : sigmaN) noisy |= v > 0;
		return new Batch(x0, noise, sigma, noisy ? sigmaN : null);
	}

	/**
	 * Noisy patches train only levels above their own noise by this fraction (delta in Daras et al.):
	 * a level just above sigma_n adds almost no noise, and its target is almost the input itself.
	 */
	public static final double NOISY_MARGIN = 0.1;

	private static IllegalArgumentException beyond(final double floor) {
		return new IllegalArgumentException("A patch's noise (" + floor + " in model units) is beyond " +
			"the model's largest level: the noise given for the training images is too high.");
	}

	/**
	 * The lowest level this training teaches: above every patch's own noise when all the data are
	 * noisy (a restoration must not ask the network below it), else 0 (every level).
	 */
	public double lowestTrainedLevel() {
		final double n = data.lowestNoise();
		return n < config.schedule().sigmaMin() ? 0 : n * (1 + NOISY_MARGIN);
	}

	/**
	 * DDPM: uniform continuous timestep; NCSN: log-uniform sigma; both above {@code floor} (0 for
	 * clean patches), so that a noisy patch is trained only at levels beyond its own noise.
	 */
	double sampleSigma(final SplittableRandom random, final double floor) {
		// Without a focus no draw is spent on it, so such runs draw as before.
		final boolean focused = focus > floor && random.nextDouble() < FOCUS_FRACTION;
		if (config.schedule() instanceof VpSchedule vp) {
			final double end = vp.timesteps() - 1;
			if (floor >= vp.sigma(end)) throw beyond(floor);
			final double from = floor > 0 ? Math.max(0, vp.timestep(floor)) : 0;
			final double last = focused ? Math.max(from, Math.min(end, vp.timestep(focus))) : end;
			return Math.max(floor, vp.sigma(from + random.nextDouble() * (last - from)));
		}
		final double lo = Math.log(Math.max(floor, config.schedule().sigmaMin())), top = Math.log(config
			.schedule().sigmaMax());
		if (lo >= top) throw beyond(floor);
		final double hi = focused ? Math.max(lo, Math.min(top, Math.log(focus))) : top;
		return Math.exp(lo + random.nextDouble() * (hi - lo));
	}

	private void updateEma(final NDManager sub) {
		// Warm-up as in common practice: early on, the average follows the weights more closely.
		final double decay = Math.min(config.emaDecay(), (1.0 + step) / (10.0 + step));
		// On the device once per step, not once per parameter (see Adam).
		final NDArray keep = sub.create((float) decay), take = sub.create((float) (1 - decay));
		for (final Map.Entry<String, NDArray> e : ema.entrySet()) {
			final NDArray weights = network.getParameters().get(e.getKey()).getArray();
			sub.tempAttachAll(weights, e.getValue());
			e.getValue().muli(keep).addi(weights.mul(take));
		}
	}

	static SplittableRandom randomOfStep(final long seed, final long step) {
		return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + 1);
	}

	/** Trains until {@code totalSteps}, reporting each step and checkpointing every so often. */
	public void train(final long totalSteps, final Path checkpoint,
		final double checkpointEverySeconds, final java.util.function.Consumer<Progress> listener)
		throws IOException
	{
		double lastSave = seconds;
		while (step < totalSteps) {
			if (Thread.currentThread().isInterrupted()) break;
			final double before = seconds;
			final double loss = trainStep();
			if (listener != null) {
				listener.accept(new Progress(step, loss, averageLoss, seconds - before, seconds));
			}
			if (checkpoint != null && (seconds - lastSave >= checkpointEverySeconds || step == totalSteps)) {
				save(checkpoint);
				lastSave = seconds;
			}
		}
	}

	/** The moving-average weights: what a model ships. */
	public Map<String, TensorFile.Tensor> emaWeights() {
		final Map<String, TensorFile.Tensor> out = new LinkedHashMap<>();
		for (final Map.Entry<String, NDArray> e : ema.entrySet()) {
			out.put(e.getKey(), Checkpoint.toHost(e.getValue()));
		}
		return out;
	}

	/**
	 * Everything needed to continue: weights, EMA, optimizer moments, step, wall time. Written also
	 * when the thread is interrupted (training stopped that way saves here, and on some platforms,
	 * Windows among them, file output is an interruptible channel that refuses to write for an
	 * interrupted thread); the interrupt is kept for the caller.
	 */
	public void save(final Path file) throws IOException {
		final boolean interrupted = Thread.interrupted();
		try {
			write(file);
		}
		finally {
			if (interrupted) Thread.currentThread().interrupt();
		}
	}

	private void write(final Path file) throws IOException {
		final Map<String, TensorFile.Tensor> t = new LinkedHashMap<>();
		for (final Map.Entry<String, TensorFile.Tensor> e : Checkpoint.weights(network).entrySet()) {
			t.put("param/" + e.getKey(), e.getValue());
		}
		for (final Map.Entry<String, TensorFile.Tensor> e : emaWeights().entrySet()) {
			t.put("ema/" + e.getKey(), e.getValue());
		}
		adam.save(t);
		final Map<String, Object> header = new LinkedHashMap<>();
		header.put("step", step);
		header.put("seconds", seconds);
		header.put("average_loss", averageLoss);
		header.put("data", data.toString());
		header.put("config", config.describe());
		header.put("runs", runs());
		// The optimizer's own count (its bias correction) and warm-up: after a continuation from a
		// model folder they differ from the training step.
		header.put("adam_step", adam.step());
		header.put("warm_up", adam.warmUpRange());
		header.put("focus", focus);
		new TensorFile(GSON.toJson(header), t).write(file);
	}

	/**
	 * Continues from a model's (EMA) weights when the full checkpoint is gone, e.g. in a later session
	 * on another machine: weights and their average start from the model, the optimizer's moments from
	 * zero, and the step count and wall time from the model's training record.
	 */
	public void startFrom(final Map<String, TensorFile.Tensor> weights, final long atStep,
		final double secondsSoFar, final List<Map<String, Object>> runsSoFar)
	{
		Checkpoint.load(network, weights, "");
		for (final Map.Entry<String, NDArray> e : ema.entrySet()) {
			Checkpoint.fill(e.getValue(), weights.get(e.getKey()).values());
		}
		step = atStep;
		seconds = secondsSoFar;
		startRun(runsSoFar);
		// Fresh moments with a fresh bias correction: moments at zero with late-training corrections
		// would make the first steps several times too large.
		adam.load(Map.of(), 0, manager);
		adam.warmUp(WARM_UP_STEPS);
	}

	/** Steps of learning-rate warm-up when a run continues from a model's weights. */
	public static final int WARM_UP_STEPS = 200;

	/** This run starts at the current step, after the given ones. */
	private void startRun(final List<Map<String, Object>> runsSoFar) {
		earlierRuns.clear();
		earlierRuns.addAll(runsSoFar);
		runFromStep = step;
		runFromSeconds = seconds;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> runs(final List<?> saved) {
		final List<Map<String, Object>> out = new ArrayList<>();
		for (final Object o : saved) if (o instanceof Map<?, ?> m) out.add((Map<String, Object>) m);
		return out;
	}

	/** Continues a run from its checkpoint, with its own configuration. */
	public static Trainer resume(final Path file, final PatchSource data, final Device device)
		throws IOException
	{
		final TensorFile f = TensorFile.read(file);
		final Map<?, ?> header = GSON.fromJson(f.header(), Map.class);
		if (header == null || !(header.get("config") instanceof Map<?, ?> c)) {
			throw new IOException(file + " is not a training checkpoint (no configuration).");
		}
		// Continuing on other data would label the result with data it mostly never saw.
		if (header.get("data") instanceof String trained && !trained.equals(data.toString())) {
			throw new IllegalArgumentException(file + " was trained on " + trained + ", not on " + data +
				": choose another output for a new model, or delete " + file.getFileName() +
				" to start again.");
		}
		final Trainer t = new Trainer(Config.fromMap(c), data, device);
		try {
			Checkpoint.load(t.network, f.tensors(), "param/");
			for (final Map.Entry<String, NDArray> e : t.ema.entrySet()) {
				final TensorFile.Tensor saved = f.tensors().get("ema/" + e.getKey());
				if (saved == null) throw new IOException(file + " lacks EMA tensor " + e.getKey() + ".");
				Checkpoint.fill(e.getValue(), saved.values());
			}
			t.step = ((Number) header.get("step")).longValue();
			t.seconds = ((Number) header.get("seconds")).doubleValue();
			final Object avg = header.get("average_loss");
			t.averageLoss = avg instanceof Number n ? n.doubleValue() : Double.NaN;
			t.startRun(header.get("runs") instanceof List<?> runs ? runs(runs) : List.of());
			t.adam.load(f.tensors(), header.get("adam_step") instanceof Number n ? n.longValue() : t.step,
				t.manager);
			if (header.get("warm_up") instanceof List<?> w && w.size() == 2 && w.get(0) instanceof Number a &&
				w.get(1) instanceof Number b)
			{
				t.adam.warmUpRange(a.longValue(), b.longValue());
			}
			if (header.get("focus") instanceof Number n) t.focus(n.doubleValue());
			return t;
		}
		catch (final RuntimeException e) {
			t.close();
			throw e;
		}
	}

	/** A denoiser over the current (not averaged) weights, for tests and validation. */
	public NetworkDenoiser denoiser() {
		return denoiser;
	}

	@Override
	public void close() {
		manager.close();
	}
}
