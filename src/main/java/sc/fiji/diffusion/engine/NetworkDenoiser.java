package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;

/**
 * A trained network seen as a denoiser. The family decides how the network is conditioned and what
 * it predicts:
 * <ul>
 * <li>DDPM: the network sees {@code x / sqrt(1 + sigma^2)} (the VP state) and the fractional timestep
 * {@code t(sigma)}, and predicts the noise; {@code D = x - sigma * eps}.</li>
 * <li>NCSN: EDM preconditioning (Karras et al. 2022): input {@code c_in x}, label from log sigma,
 * {@code D = c_skip x + c_out F}. Its score {@code (D - x)/sigma^2} is the NCSN score network.</li>
 * </ul>
 * The training losses live here too, next to the parameterization they belong to.
 */
public final class NetworkDenoiser implements Denoiser, AutoCloseable {

	/** Data standard deviation assumed by EDM's preconditioning, for images scaled to [-1, 1]. */
	public static final double SIGMA_DATA = 0.5;

	private final Family family;
	private final NoiseSchedule schedule;
	private final UNet network;
	private final NDManager manager;
	private final int patch;
	private final ParameterStore store;
	/** DDPM: log-SNR per timestep on the device, to find t(sigma) without reading back. */
	private final NDArray logSnrTable;
	/**
	 * Constants as device arrays: an arithmetic op with a Java number copies it to the device and
	 * waits for the device, once per op.
	 */
	private final NDArray one, minusOne, minusHalf, minusTwo, sigmaData, sigmaDataSquared,
		logSigmaMin, labelScale;
	/** The log-SNR table as a row, and without its first entry, for {@link #timestep}. */
	private final NDArray tableRow, tableRowTail;

	/**
	 * @param manager owns the network's parameters (its device is the model's device); the network
	 *          must already be initialized on it
	 */
	public NetworkDenoiser(final Family family, final NoiseSchedule schedule, final UNet network,
		final NDManager manager)
	{
		this(family, schedule, network, manager, network.config().sizeMultiple());
	}

	private double lowestLevel;

	/**
	 * @param patch side of the training patches: tiled evaluation uses tiles at least this large, since
	 *          GroupNorm's statistics depend on the extent they are computed over
	 */
	public NetworkDenoiser(final Family family, final NoiseSchedule schedule, final UNet network,
		final NDManager manager, final int patch)
	{
		this.patch = patch;
		if (family == Family.DDPM && !(schedule instanceof VpSchedule)) {
			throw new IllegalArgumentException("A DDPM model needs a linear or cosine beta schedule.");
		}
		if (family == Family.NCSN && !(schedule instanceof VeSchedule)) {
			throw new IllegalArgumentException("An NCSN model needs a geometric sigma schedule.");
		}
		this.family = family;
		this.schedule = schedule;
		this.network = network;
		this.manager = manager;
		this.store = new ParameterStore(manager, false);
		if (schedule instanceof VpSchedule vp) {
			final double[] t = vp.logSnrTable();
			final float[] f = new float[t.length];
			for (int i = 0; i < t.length; i++) f[i] = (float) t[i];
			logSnrTable = manager.create(f);
		}
		else {
			logSnrTable = null;
		}
		one = manager.create(1f);
		minusOne = manager.create(-1f);
		minusHalf = manager.create(-0.5f);
		tableRow = logSnrTable == null ? null : logSnrTable.reshape(1, -1);
		tableRowTail = logSnrTable == null ? null : logSnrTable.get("1:").reshape(1, -1);
		minusTwo = manager.create(-2f);
		sigmaData = manager.create((float) SIGMA_DATA);
		sigmaDataSquared = manager.create((float) (SIGMA_DATA * SIGMA_DATA));
		final double lo = Math.log(schedule.sigmaMin()), hi = Math.log(schedule.sigmaMax());
		logSigmaMin = manager.create((float) lo);
		labelScale = manager.create((float) (1000 / (hi - lo)));
	}

	public Family family() {
		return family;
	}

	public NoiseSchedule schedule() {
		return schedule;
	}

	public int patch() {
		return patch;
	}

	/**
	 * What inference computes in: float, half when the network was cast for a GPU, or bfloat16 when the
	 * module was written so ({@link #useScript(Precision)}).
	 */
	public Precision precision() {
		if (script != null && scriptPrecision == Precision.BFLOAT16) return Precision.BFLOAT16;
		return network.dataType() == Precision.HALF.dataType() ? Precision.HALF : Precision.FLOAT;
	}

	public UNet network() {
		return network;
	}

	public NDManager manager() {
		return manager;
	}

	/**
	 * As {@link Denoiser#denoise}; one level (shape (1)) for all the states the module runs with one
	 * embedding for the batch. Inference: through the TorchScript module, which computes the whole of it (the family's
	 * conditioning, the network, the estimate) in one call, where {@link #useScript} loaded it; else on
	 * the blocks as {@link #denoise(NDArray, NDArray, boolean)} without gradients.
	 */
	@Override
	public NDArray denoise(final NDArray x, final NDArray sigma) {
		final ai.djl.nn.Block s = script;
		if (s != null) {
			checkShapes(x, sigma);
			if (System.getProperty(GRAPH_OPTIMIZER) == null) {
				// libtorch's graph executor profiles and recompiles the module for every new input shape (its
				// fusers gain nothing measurable here): a first stack on the H200 ran at half the speed of the
				// same stack again. Off on this thread (the flag is per thread); DJL's property, when given,
				// wins.
				ai.djl.pytorch.jni.JniUtils.setGraphExecutorOptimize(false);
			}
			return s.forward(store, new NDList(x, sigma), false).singletonOrThrow();
		}
		// A model trained on noisy images knows nothing below its data's noise: asked lower, it
		// answers as at its lowest level, so a sampler's last steps end with D(x, sigma_n).
		return denoise(x, lowestLevel > 0 ? sigma.maximum((float) lowestLevel) : sigma, false);
	}

	/** The lowest level the network was trained at (its card's noisy-data level), 0 for all. */
	public void lowestLevel(final double level) {
		lowestLevel = level;
		// The module holds the level as a constant: written again.
		if (script != null) useScript();
	}

	public double lowestLevel() {
		return lowestLevel;
	}

	/**
	 * The denoiser on the DJL blocks, with gradients recorded when training; {@link #scriptWrapper}
	 * writes the same for the TorchScript module, and a test holds the two to the same estimates.
	 */
	public NDArray denoise(final NDArray x, final NDArray sigma, final boolean training) {
		checkShapes(x, sigma);
		final NDArray s = Denoiser.perSample(sigma, x);
		if (family == Family.DDPM) {
			final NDArray in = x.div(s.square().add(one).sqrt());
			final NDArray eps = run(in, timestep(sigma), training);
			final NDArray d = x.sub(s.mul(eps));
			if (training) return d;
			// x0 = x - sigma eps amplifies the network's error by sigma (up to ~150): at high noise the
			// estimate is thresholded to the data range, as DDPM's sampler clips it. Below sigma 1, where
			// images (normalized by percentiles) may exceed the range in their brightest spots, never.
			final NDArray high = s.gt(one).toType(d.getDataType(), false);
			return d.add(d.clip(-1, 1).sub(d).mul(high));
		}
		final NDArray var = s.square().add(sigmaDataSquared);
		final NDArray cIn = var.pow(minusHalf);
		final NDArray cSkip = var.pow(minusOne).mul(sigmaDataSquared);
		final NDArray cOut = s.mul(cIn).mul(sigmaData);
		final NDArray f = run(x.mul(cIn), noiseLabel(sigma), training);
		return x.mul(cSkip).add(f.mul(cOut));
	}

	/**
	 * Training loss on clean images x0 (N, C, H, W), unit Gaussian noise of the same shape, and
	 * per-sample sigmas (N): {@code |D - x0|^2 / sigma^2}, which is DDPM's noise MSE
	 * ({@code eps - eps_hat = (D - x0) / sigma}) and NCSN's denoising score matching weighted by
	 * sigma^2.
	 */
	public NDArray loss(final NDArray x0, final NDArray noise, final NDArray sigma) {
		return loss(x0, noise, sigma, null);
	}

	/**
	 * The same loss on noisy images x_n of known noise sigma_n (N; null: clean), after Daras et al.,
	 * "Consistent Diffusion Meets Tweedie" (ICML 2024): {@code x_t = x_n + sqrt(sigma^2 - sigma_n^2)
	 * noise}, and {@code |a x_t + (1 - a) D(x_t, sigma) - x_n|^2 / sigma^2} with
	 * {@code a = sigma_n^2 / sigma^2}. Its minimiser is the clean-data denoiser E[x0 | x_t], so that a
	 * prior trained on noisy acquisitions does not learn their noise. Every sigma must exceed its
	 * sigma_n.
	 */
	public NDArray loss(final NDArray xn, final NDArray noise, final NDArray sigma,
		final NDArray sigmaN)
	{
		final NDArray s = Denoiser.perSample(sigma, xn);
		if (sigmaN == null) {
			final NDArray d = denoise(xn.add(noise.mul(s)), sigma, true);
			return d.sub(xn).div(s).square().mean();
		}
		final NDArray s2 = s.square(), sn2 = Denoiser.perSample(sigmaN, xn).square();
		final NDArray added = s2.sub(sn2);
		final NDArray x = xn.add(noise.mul(added.sqrt()));
		final NDArray d = denoise(x, sigma, true);
		// a x + (1 - a) D with a = sn2 / s2 and 1 - a = added / s2, written without a Java number.
		return x.mul(sn2).add(d.mul(added)).div(s2).sub(xn).div(s).square().mean();
	}

	/** Shapes are host-side metadata: checking them costs no device read. */
	private void checkShapes(final NDArray x, final NDArray sigma) {
		final ai.djl.ndarray.types.Shape sx = x.getShape();
		if (sx.dimension() != 4 || sx.get(1) != network.imageChannels()) {
			throw new IllegalArgumentException("The model takes images shaped (N, " + network
				.imageChannels() + ", H, W); got " + sx + ".");
		}
		if (sigma.getShape().size() != sx.get(0) && sigma.getShape().size() != 1) {
			throw new IllegalArgumentException("One noise level per image, or one for all, is needed: " + sx
				.get(0) + " images, " + sigma.getShape().size() + " levels.");
		}
	}

	/**
	 * Inference from now on through the network written as TorchScript ({@link UNetScript}), with the
	 * network's current weights and type; training still runs the blocks. Where libtorch cannot load
	 * the module, the blocks stay in use and the reason is kept ({@link #networkPath}).
	 */
	public void useScript() {
		useScript(precision());
	}

	/**
	 * As {@link #useScript()}, the module computing in {@code precision}: the network's own type, or
	 * bfloat16 from float weights (the blocks stay in float).
	 */
	public void useScript(final Precision precision) {
		final DataType own = network.dataType();
		if (precision.dataType() != own && !(precision == Precision.BFLOAT16 && own == DataType.FLOAT32)) {
			throw new IllegalArgumentException("A network of " + own + " is not written in " + precision +
				": cast it first.");
		}
		try {
			script = UNetScript.load(network, manager, this::scriptWrapper, precision == Precision.BFLOAT16
				? DataType.BFLOAT16 : null);
			scriptPrecision = precision;
			scriptFailure = null;
		}
		catch (final RuntimeException e) {
			script = null;
			scriptFailure = e.getMessage();
		}
	}

	/** Whether inference runs the network as TorchScript (which frees each activation once used). */
	public boolean scripted() {
		return script != null;
	}

	/** How inference runs the network: for reports. */
	public String networkPath() {
		if (script != null) return "TorchScript";
		return scriptFailure == null ? "DJL blocks" : "DJL blocks (TorchScript failed: " + scriptFailure +
			")";
	}

	private volatile ai.djl.nn.Block script;
	private volatile Precision scriptPrecision = Precision.FLOAT;
	private volatile String scriptFailure;
	/** DJL's switch of libtorch's graph executor optimization, read by its module on every call. */
	private static final String GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";

	/** The network blocks on the state in its own type (float or half); its output back in the state's. */
	private NDArray run(final NDArray input, final NDArray label, final boolean training) {
		final DataType state = input.getDataType(), type = network.dataType();
		final NDArray in = state == type ? input : input.toType(type, false);
		final NDArray out = network.forward(store, new NDList(in, label), training).singletonOrThrow();
		return out.getDataType() == state ? out : out.toType(state, false);
	}

	/**
	 * {@link #denoise(NDArray, NDArray)} in TorchScript, line for line the blocks' path (with the
	 * lowest level, DDPM's timestep lookup and its clipping, or EDM's coefficients): the module's
	 * {@code forward(x, sigma)} then gives the estimate in one call, with no DJL operation and no
	 * constant copied to the device around it. Its literals are the same numbers in double, which the
	 * float states round as the device constants do.
	 */
	private void scriptWrapper(final UNetScript w) {
		final String lowest = literal(lowestLevel);
		// Flat, as the blocks' path reads it (a single level may come as a scalar).
		w.line("sg = " + (lowestLevel > 0 ? "torch.clamp_min(torch.reshape(sigma, [-1]), " + lowest + ")"
			: "torch.reshape(sigma, [-1])"));
		w.line("s = torch.reshape(sg, [-1, 1, 1, 1])");
		if (family == Family.DDPM) {
			// The tables timestep() reads.
			final long n = logSnrTable.size();
			final String table = w.constant(logSnrTable, "log_snr");
			final String row = w.constant(tableRow, "log_snr_row");
			final String tail = w.constant(tableRowTail, "log_snr_tail");
			// timestep(): entries above lambda count the index after it, and from the second entry the one before.
			w.line("lam = torch.reshape(torch.mul(torch.log(sg), -2.), [-1, 1])");
			w.line("hi = torch.clamp(torch.sum(torch.lt(lam, " + row + "), [1]), 1, " + (n - 1) + ")");
			w.line("lo = torch.clamp(torch.sum(torch.lt(lam, " + tail + "), [1]), 0, " + (n - 2) + ")");
			w.line("llo = torch.index_select(" + table + ", 0, lo)");
			w.line("lhi = torch.index_select(" + table + ", 0, hi)");
			w.line("frac = torch.div(torch.sub(llo, torch.reshape(lam, [-1])), torch.sub(llo, lhi))");
			w.line("label = torch.clamp(torch.add(torch.to(lo, ops.prim.dtype(sigma)), frac), 0, " + (n - 1) + ")");
			w.line("eps = self.net(torch.div(x, torch.sqrt(torch.add(torch.square(s), 1.))), label)");
			w.line("d = torch.sub(x, torch.mul(s, eps))");
			// As denoise(): clipped to the data range where sigma > 1.
			w.line("return torch.where(torch.gt(s, 1.), torch.clamp(d, -1., 1.), d)");
			return;
		}
		final double lo = Math.log(schedule.sigmaMin()), hi = Math.log(schedule.sigmaMax());
		final String sd2 = literal(SIGMA_DATA * SIGMA_DATA);
		w.line("var = torch.add(torch.square(s), " + sd2 + ")");
		w.line("cin = torch.pow(var, -0.5)");
		w.line("label = torch.mul(torch.sub(torch.log(sg), " + literal(lo) + "), " + literal(1000 / (hi - lo)) +
			")");
		w.line("f = self.net(torch.mul(x, cin), label)");
		w.line("return torch.add(torch.mul(x, torch.mul(torch.pow(var, -1.), " + sd2 + ")), torch.mul(f, " +
			"torch.mul(torch.mul(s, cin), " + literal(SIGMA_DATA) + ")))");
	}

	/** A double as a TorchScript float literal, exact to the last bit. */
	private static String literal(final double v) {
		return String.format(java.util.Locale.ROOT, "%.17g", v);
	}

	/**
	 * DDPM's fractional timestep for each sigma, by linear interpolation in log-SNR, computed on the
	 * device. Every result attaches to the manager of the caller's arrays, never to the model's.
	 */
	NDArray timestep(final NDArray sigma) {
		final long n = logSnrTable.size();
		final NDArray lambda = sigma.log().mul(minusTwo).reshape(-1, 1);
		// Entries above lambda = index of the first entry at or below it; counting from the second
		// entry gives the index before it (no arithmetic with a Java number, see the constants).
		final NDArray hi = lambda.lt(tableRow).toType(DataType.INT64, false).sum(new int[] { 1 }).clip(1,
			n - 1);
		final NDArray lo = lambda.lt(tableRowTail).toType(DataType.INT64, false).sum(new int[] { 1 })
			.clip(0, n - 2);
		// take() with the caller's manager: results of a long-lived array must not pile up in the
		// model's manager.
		final NDArray lLo = logSnrTable.take(sigma.getManager(), lo);
		final NDArray lHi = logSnrTable.take(sigma.getManager(), hi);
		final NDArray frac = lLo.sub(lambda.reshape(-1)).div(lLo.sub(lHi));
		return lo.toType(DataType.FLOAT32, false).add(frac).clip(0, n - 1);
	}

	/** NCSN's label: log sigma mapped linearly so the trained range spans [0, 1000], like timesteps. */
	NDArray noiseLabel(final NDArray sigma) {
		return sigma.log().sub(logSigmaMin).mul(labelScale);
	}

	@Override
	public void close() {
		manager.close();
	}
}
