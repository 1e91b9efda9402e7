package sc.fiji.diffusion.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;



import net.imglib2.img.array.ArrayImgs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.data.SyntheticScenes;

/** Inpainting and super-resolution with the shipped DDPM model, few steps (properties, not quality). */
class InverseProblemTest {

	static NetworkDenoiser model;

	@BeforeAll
	static void load() {
		model = ShippedModel.ddpm();
	}

	static float[] scene(final int n) {
		final float[] s = SyntheticScenes.scene(SyntheticScenes.Kind.NUCLEI, n, n, 4);
		for (int i = 0; i < s.length; i++) s[i] = s[i] * 1000 + 100;
		return s;
	}

	@Test
	void knownPixelsComeBackUnchangedWithZeroSpread() {
		final int n = 64;
		final float[] img = scene(n);
		final byte[] mask = new byte[n * n];
		for (int y = 20; y < 30; y++) for (int x = 10; x < 50; x++) mask[y * n + x] = 1;
		final Result r = Inpaint.run(ArrayImgs.floats(img.clone(), n, n), ArrayImgs.unsignedBytes(mask, n,
			n), -1, new NoiseModel.Gaussian(0), RestoreOptions.defaults(model, "ddpm", 8).withSamples(2,
				true));
		final float[] out = Planes.of(r.image()).plane(0), sd = Planes.of(r.std()).plane(0);
		double holeSpread = 0;
		for (int i = 0; i < n * n; i++) {
			if (mask[i] == 0) {
				assertEquals(img[i], out[i], 0, "known pixel " + i);
				assertEquals(0, sd[i], 0);
			}
			else {
				assertTrue(Float.isFinite(out[i]));
				holeSpread += sd[i];
			}
		}
		assertTrue(holeSpread > 0, "two samples agree exactly inside the hole");
	}

	@Test
	void theDefaultEstimateIsAMeanOfSamplesWithItsSpreadOneSwitchAway() {
		final int n = 64;
		final float[] img = scene(n);
		final byte[] mask = new byte[n * n];
		for (int y = 24; y < 40; y++) for (int x = 24; x < 40; x++) mask[y * n + x] = 1;
		final RestoreOptions defaults = RestoreOptions.defaults(model, "ddpm", 0).withSamples(0, true);
		final Result mean = Inpaint.run(ArrayImgs.floats(img.clone(), n, n), ArrayImgs.unsignedBytes(mask, n,
			n), -1, new NoiseModel.Gaussian(0), defaults);
		assertTrue(mean.report().stream().anyMatch(l -> l.contains("mean of " + Defaults.samples(Defaults.Task.INPAINT, 0,
			model.manager().getDevice()) +
			" samples of " + Defaults.steps(Defaults.Task.INPAINT) + " steps")), String.join("\n", mean.report()));
		double spread = 0;
		for (final float v : Planes.of(mean.std()).plane(0)) spread += v;
		assertTrue(spread > 0, "the default's samples agree exactly");
		final Result one = Inpaint.run(ArrayImgs.floats(img.clone(), n, n), ArrayImgs.unsignedBytes(mask, n,
			n), -1, new NoiseModel.Gaussian(0), defaults.withSamples(1, false));
		assertTrue(one.report().stream().anyMatch(l -> l.contains("one sample of " + Defaults.steps(Defaults.Task.INPAINT))));
		// Denoising's default, the posterior mean, has no spread to show.
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Denoise.run(ArrayImgs.floats(img.clone(),
			n, n), -1, new NoiseModel.Gaussian(10), defaults)).getMessage().contains("posterior mean"));
	}

	/** Both families in half precision (which PyTorch also runs, slowly, on the CPU). */
	@Test
	void halfPrecisionInpaintsAndSuperResolvesAsFloatDoes() throws java.io.IOException {
		final int n = 64;
		final float[] img = scene(n);
		final byte[] mask = new byte[n * n];
		for (int y = 20; y < 30; y++) for (int x = 10; x < 50; x++) mask[y * n + x] = 1;
		final float[] lo = new float[32 * 32];
		for (int i = 0; i < lo.length; i++) lo[i] = img[(i / 32) * 2 * n + (i % 32) * 2];
		final java.nio.file.Path ncsn = java.nio.file.Paths.get("models", "ncsn-fluo");
		try (NetworkDenoiser single = sc.fiji.diffusion.model.ModelFolder.load(ncsn, ai.djl.Device.cpu());
			NetworkDenoiser half = sc.fiji.diffusion.model.ModelFolder.load(ncsn, ai.djl.Device.cpu(),
				sc.fiji.diffusion.engine.Precision.HALF);
			NetworkDenoiser ddpmHalf = sc.fiji.diffusion.model.ModelFolder.load(java.nio.file.Paths.get(
				"models", "ddpm-fluo"), ai.djl.Device.cpu(), sc.fiji.diffusion.engine.Precision.HALF))
		{
			final float[][] filled = new float[2][];
			final NetworkDenoiser[] models = { single, half };
			for (int k = 0; k < 2; k++) {
				filled[k] = Planes.of(Inpaint.run(ArrayImgs.floats(img.clone(), n, n), ArrayImgs
					.unsignedBytes(mask, n, n), -1, new NoiseModel.Gaussian(0), RestoreOptions.defaults(
						models[k], "ddpm", 5)).image()).plane(0);
			}
			for (int i = 0; i < n * n; i++) if (mask[i] == 0) assertEquals(img[i], filled[1][i], 0f);
			// Range 1000: half's rounding moves the filled pixels by a fraction of a unit.
			assertTrue(DenoiseTest.rms(filled[0], filled[1]) < 3, "half and float differ by RMS " +
				DenoiseTest.rms(filled[0], filled[1]));
			final float[][] sr = new float[2][];
			final NetworkDenoiser[] ddpm = { model, ddpmHalf };
			for (int k = 0; k < 2; k++) {
				sr[k] = Planes.of(SuperResolve.run(ArrayImgs.floats(lo.clone(), 32, 32), 2, -1,
					new NoiseModel.Gaussian(0), RestoreOptions.defaults(ddpm[k], "ddpm", 5)).image()).plane(0);
			}
			assertTrue(DenoiseTest.rms(sr[0], sr[1]) < 3, "half and float differ by RMS " + DenoiseTest
				.rms(sr[0], sr[1]));
		}
	}

	/**
	 * Weights stored in half precision restore as float-stored ones do, computed in float on the CPU.
	 * The shipped weights are themselves stored in half; each is moved here by a random fraction of a
	 * half step, as weights come out of training, then stored both ways.
	 */
	@Test
	void halfStoredWeightsRestoreAsFloatStoredOnesAbove60dB(@org.junit.jupiter.api.io.TempDir
		final java.nio.file.Path dir) throws java.io.IOException
	{
		final java.nio.file.Path shipped = java.nio.file.Paths.get("models", "ddpm-fluo");
		final java.util.SplittableRandom random = new java.util.SplittableRandom(3);
		final java.util.Map<String, sc.fiji.diffusion.engine.TensorFile.Tensor> trained =
			new java.util.LinkedHashMap<>();
		sc.fiji.diffusion.engine.TensorFile.read(shipped.resolve(sc.fiji.diffusion.model.ModelFolder
			.WEIGHTS)).tensors().forEach((k, t) -> {
				final float[] v = t.values().clone();
				for (int i = 0; i < v.length; i++) v[i] *= (float) (1 + (random.nextDouble() - 0.5) / 1024);
				trained.put(k, new sc.fiji.diffusion.engine.TensorFile.Tensor(t.shape(), v));
			});
		final sc.fiji.diffusion.model.ModelCard card = sc.fiji.diffusion.model.ModelFolder.card(shipped);
		final java.nio.file.Path asFloat = dir.resolve("float"), asHalf = dir.resolve("half");
		sc.fiji.diffusion.model.ModelFolder.save(asFloat, card, trained,
			sc.fiji.diffusion.engine.TensorFile.Storage.FLOAT);
		sc.fiji.diffusion.model.ModelFolder.save(asHalf, card, trained,
			sc.fiji.diffusion.engine.TensorFile.Storage.HALF);
		final int n = 64;
		final float[] img = scene(n);
		final byte[] mask = new byte[n * n];
		for (int y = 20; y < 36; y++) for (int x = 10; x < 50; x++) mask[y * n + x] = 1;
		final float[][] noisy = DenoiseTest.noisyScene(n, 100, 8);
		final float[][] inpainted = new float[2][], denoised = new float[2][];
		final java.nio.file.Path[] folders = { asFloat, asHalf };
		for (int k = 0; k < 2; k++) {
			try (NetworkDenoiser m = sc.fiji.diffusion.model.ModelFolder.load(folders[k], ai.djl.Device
				.cpu()))
			{
				inpainted[k] = Planes.of(Inpaint.run(ArrayImgs.floats(img.clone(), n, n), ArrayImgs
					.unsignedBytes(mask, n, n), -1, new NoiseModel.Gaussian(0), RestoreOptions.defaults(m,
						"ddpm", 8)).image()).plane(0);
				denoised[k] = Planes.of(Denoise.run(ArrayImgs.floats(noisy[1].clone(), n, n), -1,
					new NoiseModel.Gaussian(100), RestoreOptions.defaults(m, "ddpm", 8)).image()).plane(0);
			}
		}
		final double inpaintPsnr = sc.fiji.diffusion.benchmark.Metrics.psnr(inpainted[1], inpainted[0],
			1000), denoisePsnr = sc.fiji.diffusion.benchmark.Metrics.psnr(denoised[1], denoised[0], 1000);
		assertTrue(inpaintPsnr >= 60 && denoisePsnr >= 60, "half vs float storage: inpainting " +
			inpaintPsnr + " dB, denoising " + denoisePsnr + " dB");
		assertTrue(inpaintPsnr < 200, "the weights differed, so the results should too");
	}

	/** A camera image of nuclei: gain 2 ADU per electron, offset 100, read noise 3, 5 to 405 electrons. */
	static float[][] camera(final int n, final long seed) {
		return camera(SyntheticScenes.Kind.NUCLEI, n, seed);
	}

	/** A camera image of one kind of scene, clean and noisy, as {@link #camera(int, long)}. */
	static float[][] camera(final SyntheticScenes.Kind kind, final int n, final long seed) {
		final float[] c = SyntheticScenes.scene(kind, n, n, seed);
		final float[] clean = new float[n * n], noisy = new float[n * n];
		final java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
		for (int i = 0; i < clean.length; i++) {
			final double e = 5 + 400 * c[i];
			clean[i] = (float) (2 * e + 100);
			noisy[i] = (float) (2 * NoiseEstimateTest.poisson(e, r) + 100 + 3 * r.nextGaussian());
		}
		return new float[][] { clean, noisy };
	}

	/**
	 * Camera noise in inpainting: each known pixel with its own variance, the estimate (noise auto,
	 * the default) said; known pixels as measured, holes filled as well as from a noiseless-treated
	 * input. Before, inpainting refused poisson-gaussian.
	 */
	@Test
	void inpaintingTakesCameraNoise() {
		final int n = 64;
		final float[][] img = camera(n, 41);
		final byte[] mask = new byte[n * n];
		for (int y = 20; y < 30; y++) for (int x = 10; x < 50; x++) mask[y * n + x] = 1;
		for (final NoiseModel noise : new NoiseModel[] { new NoiseModel.PoissonGaussian(2, 100, 3),
			new NoiseModel.Auto() })
		{
			final Result r = Inpaint.run(ArrayImgs.floats(img[1].clone(), n, n), ArrayImgs.unsignedBytes(mask,
				n, n), -1, noise, RestoreOptions.defaults(model, "ddpm", 6));
			assertTrue(r.report().toString().contains("poisson-gaussian") && r.report().toString().contains(
				"each pixel's own variance"), r.report().toString());
			final float[] out = Planes.of(r.image()).plane(0);
			double err = 0;
			int holes = 0;
			for (int i = 0; i < n * n; i++) {
				if (mask[i] == 0) assertEquals(img[1][i], out[i], 0f);
				else {
					assertTrue(out[i] > 0 && out[i] < 1500, "hole pixel " + out[i]);
					err += Math.pow(out[i] - img[0][i], 2);
					holes++;
				}
			}
			// Range 800 ADU; the fill treating the input as noiseless is off by 176 (10 x 40 hole across
			// nuclei, 6 steps), the same fill in the Anscombe domain by 214.
			assertTrue(Math.sqrt(err / holes) < 190, noise + ": RMS error in the holes " + Math.sqrt(err /
				holes));
		}
	}

	/**
	 * Camera noise in super-resolution, in linear units with each measurement's variance: binned
	 * again, the result gives back the input within its noise, not exactly (that would keep the noise)
	 * and not far off.
	 */
	@Test
	void superResolutionTakesCameraNoiseAndBinsBackWithinIt() {
		final int n = 32, f = 2;
		final float[][] hi = camera(n * f, 43);
		final NoiseModel.PoissonGaussian pg = new NoiseModel.PoissonGaussian(2, 100, 3);
		final float[] lo = new float[n * n];
		final java.util.SplittableRandom rand = new java.util.SplittableRandom(44);
		for (int y = 0; y < n; y++) {
			for (int x = 0; x < n; x++) {
				double s = 0;
				for (int dy = 0; dy < f; dy++) for (int dx = 0; dx < f; dx++) s += hi[0][(y * f + dy) * n * f + x * f + dx];
				final double e = (s / (f * f) - 100) / 2;
				lo[y * n + x] = (float) (2 * NoiseEstimateTest.poisson(e, rand) + 100 + 3 * rand.nextGaussian());
			}
		}
		final Result r = SuperResolve.run(ArrayImgs.floats(lo.clone(), n, n), f, -1, pg, RestoreOptions
			.defaults(model, "ddpm", 8));
		assertTrue(r.report().toString().contains("each pixel's own variance"), r.report().toString());
		final float[] o = Planes.of(r.image()).plane(0);
		double z2 = 0;
		for (int y = 0; y < n; y++) {
			for (int x = 0; x < n; x++) {
				double s = 0;
				for (int dy = 0; dy < f; dy++) for (int dx = 0; dx < f; dx++) s += o[(y * f + dy) * n * f + x * f + dx];
				final double v = lo[y * n + x];
				z2 += Math.pow((s / (f * f) - v) / pg.sigmaAt(v), 2);
			}
		}
		final double rms = Math.sqrt(z2 / (n * n));
		assertTrue(rms > 0.05 && rms < 1.5, "binned result minus input, in units of each pixel's noise: RMS " +
			rms);
	}

	/**
	 * Camera noise per pixel from the local mean, never below half an electron: an estimate with b < 0
	 * (offset 100, no read noise) made dark background pixels, whose noisy value fell below the
	 * offset, count as noiseless and be enforced exactly.
	 */
	@Test
	void darkPixelsAreNeverTakenAsNoiseless() {
		final NoiseModel.PoissonGaussian pg = new NoiseModel.PoissonGaussian(1, 100, 0);
		final int n = 32;
		final float[] dark = new float[n * n];
		final java.util.SplittableRandom r = new java.util.SplittableRandom(4);
		for (int i = 0; i < dark.length; i++) dark[i] = (float) (102 + 1.5 * r.nextGaussian());
		int below = 0;
		for (final float v : dark) if (pg.sigmaAt(v) == 0) below++;
		assertTrue(below > 0, "the test needs pixels below the offset");
		for (final float s : InverseProblem.cameraSigma(pg, dark, n, n)) {
			assertTrue(s >= 0.5 && s < 3, "sigma " + s);
		}
	}

	/** Noise auto on a nearly noiseless image: an estimate far below the model's levels is none. */
	@Test
	void aTinyEstimateCountsAsNoiseless() {
		final int n = 64;
		final float[] img = scene(n);
		final java.util.SplittableRandom r = new java.util.SplittableRandom(2);
		for (int i = 0; i < img.length; i++) img[i] += (float) (0.01 * r.nextGaussian());
		final byte[] mask = new byte[n * n];
		for (int y = 20; y < 30; y++) for (int x = 10; x < 50; x++) mask[y * n + x] = 1;
		final Result res = Inpaint.run(ArrayImgs.floats(img, n, n), ArrayImgs.unsignedBytes(mask, n, n), -1,
			new NoiseModel.Auto(), RestoreOptions.defaults(model, "ddpm", 3));
		assertTrue(res.report().toString().contains("restored as noiseless"), res.report().toString());
	}

	@Test
	void aMaskWithNanIsRefusedWithTheirCount() {
		final int n = 32;
		final float[] mask = new float[n * n];
		for (int i = 0; i < 25; i++) mask[i * 7] = Float.NaN;
		mask[500] = 1;
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Inpaint.run(
			ArrayImgs.floats(scene(n), n, n), ArrayImgs.floats(mask, n, n), -1, new NoiseModel.Gaussian(0),
			RestoreOptions.defaults(model, "ddpm", 3)));
		assertTrue(e.getMessage().contains("25 NaN"), e.getMessage());
	}

	@Test
	void nanPixelsAreInpaintedWithoutAMask() {
		final int n = 64;
		final float[] img = scene(n);
		for (int i = 0; i < n * n; i += 7) img[i] = Float.NaN;
		final float[] out = Planes.of(Inpaint.run(ArrayImgs.floats(img, n, n), null, -1,
			new NoiseModel.Gaussian(0), RestoreOptions.defaults(model, "ddpm", 8)).image()).plane(0);
		for (final float v : out) assertTrue(Float.isFinite(v));
	}

	@org.junit.jupiter.params.ParameterizedTest
	@org.junit.jupiter.params.provider.ValueSource(ints = { 2, 4 })
	void superResolvedImageBinsBackToTheNoiselessInput(final int f) {
		final int n = 32;
		final float[] hi = scene(n * f);
		final float[] lo = new float[n * n];
		for (int y = 0; y < n; y++) {
			for (int x = 0; x < n; x++) {
				double s = 0;
				for (int dy = 0; dy < f; dy++) for (int dx = 0; dx < f; dx++) s += hi[(y * f + dy) * n * f + x * f + dx];
				lo[y * n + x] = (float) (s / (f * f));
			}
		}
		lo[5 * n + 7] = 1e6f; // a hot pixel, clipped for the network, its excess given back
		final Result r = SuperResolve.run(ArrayImgs.floats(lo, n, n), f, -1, new NoiseModel.Gaussian(0),
			RestoreOptions.defaults(model, "ddpm", 8));
		// The factor's own start level (x4 starts higher than x2: its guess holds no thin line).
		final String start = String.format(java.util.Locale.ROOT, "started at noise level %.3g", Defaults.start(
			Defaults.Task.inverse(f)));
		assertTrue(r.report().stream().anyMatch(l -> l.contains(start)), String.join("\n", r.report()));
		final Planes out = Planes.of(r.image());
		assertEquals(n * f, out.width());
		final float[] o = out.plane(0);
		for (int y = 0; y < n; y++) {
			for (int x = 0; x < n; x++) {
				double s = 0;
				for (int dy = 0; dy < f; dy++) for (int dx = 0; dx < f; dx++) s += o[(y * f + dy) * n * f + x * f + dx];
				// 1e-3 of the data range (1000)
				assertEquals(lo[y * n + x], s / (f * f), 1.0, "block " + x + "," + y);
			}
		}
		// The hot pixel stays in its block: 2 to 4 blocks away, x2 keeps within 120 (12% of the range) of
		// the truth (a guess made from its full value, not the clipped one, left errors of 230 to 300
		// there; elsewhere the error is below 35).
		if (f == 2) {
			for (int y = 0; y < n * f; y++) {
				for (int x = 0; x < n * f; x++) {
					final int blocks = Math.max(Math.abs(x / f - 7), Math.abs(y / f - 5));
					if (blocks < 2 || blocks > 4) continue;
					assertEquals(hi[y * n * f + x], o[y * n * f + x], 120, "pixel " + x + "," + y);
				}
			}
		}
	}

	@Test
	void theSameSeedGivesTheSameResultAndAnotherSeedAnother() {
		final int n = 48;
		final float[] img = scene(n);
		for (int i = 0; i < n * n; i += 3) img[i] = Float.NaN;
		final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 6);
		final float[] a = Planes.of(Inpaint.run(ArrayImgs.floats(img.clone(), n, n), null, -1,
			new NoiseModel.Gaussian(0), o.withSeed(5)).image()).plane(0);
		final float[] b = Planes.of(Inpaint.run(ArrayImgs.floats(img.clone(), n, n), null, -1,
			new NoiseModel.Gaussian(0), o.withSeed(5)).image()).plane(0);
		final float[] c = Planes.of(Inpaint.run(ArrayImgs.floats(img.clone(), n, n), null, -1,
			new NoiseModel.Gaussian(0), o.withSeed(6)).image()).plane(0);
		org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, 0f);
		assertTrue(!java.util.Arrays.equals(a, c), "seeds 5 and 6 gave the same inpainting");
	}

	@Test
	void badRequestsAreRefusedWithWhatToChange() {
		final float[] img = scene(32);
		final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 4);
		assertTrue(assertThrows(IllegalArgumentException.class, () -> SuperResolve.run(ArrayImgs.floats(
			img, 32, 32), 3, -1, new NoiseModel.Gaussian(0), o)).getMessage().contains("2 or 4"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Inpaint.run(ArrayImgs.floats(img,
			32, 32), ArrayImgs.unsignedBytes(16, 16), -1, new NoiseModel.Gaussian(0), o)).getMessage()
			.contains("mask"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Inpaint.run(ArrayImgs.floats(img,
			32, 32), ArrayImgs.unsignedBytes(32, 32), -1, new NoiseModel.Gaussian(0), o)).getMessage()
			.contains("Nothing to inpaint"));
		final byte[] all = new byte[32 * 32];
		java.util.Arrays.fill(all, (byte) 1);
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Inpaint.run(ArrayImgs.floats(img,
			32, 32), ArrayImgs.unsignedBytes(all, 32, 32), -1, new NoiseModel.Gaussian(0), o)).getMessage()
			.contains("covers every pixel"));
		// Without a mask: a plane with no known pixel is named, not blamed on a mask.
		final float[] twoPlanes = new float[2 * 32 * 32];
		System.arraycopy(img, 0, twoPlanes, 0, 32 * 32);
		twoPlanes[7] = Float.NaN;
		java.util.Arrays.fill(twoPlanes, 32 * 32, 2 * 32 * 32, Float.NaN);
		final String e = assertThrows(IllegalArgumentException.class, () -> Inpaint.run(ArrayImgs.floats(
			twoPlanes, 32, 32, 2), null, -1, new NoiseModel.Gaussian(0), o)).getMessage();
		assertTrue(e.contains("Every pixel of plane 2 is missing") && !e.contains("mask"), e);
		final byte[] m = new byte[32 * 32];
		m[5] = 1;
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Inpaint.run(ArrayImgs.floats(img,
			32, 32), ArrayImgs.unsignedBytes(m, 32, 32), -1, new NoiseModel.Gaussian(0),
			RestoreOptions.defaults(model, "langevin", 4))).getMessage().contains("sampler=ddpm or sampler=ddim"));
	}

	@Test
	void superResolutionDoesNotDependOnTheTileSize() {
		final int n = 128;
		final float[] img = scene(n);
		final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 10).withSeed(5);
		final float[] big = Planes.of(SuperResolve.run(ArrayImgs.floats(img.clone(), n, n), 2, -1,
			new NoiseModel.Gaussian(0), o.withTile(256)).image()).plane(0);
		final float[] small = Planes.of(SuperResolve.run(ArrayImgs.floats(img.clone(), n, n), 2, -1,
			new NoiseModel.Gaussian(0), o.withTile(64)).image()).plane(0);
		double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
		for (final float v : img) {
			lo = Math.min(lo, v);
			hi = Math.max(hi, v);
		}
		final double d = DenoiseTest.rms(big, small);
		assertTrue(d < 1e-3 * (hi - lo), "tiles 64 vs 256: RMS difference " + d + ", range " + (hi - lo));
	}

	@Test
	void noisyInpaintingDoesNotDependOnTheTileSize() {
		final int n = 128;
		final float[] img = scene(n);
		final java.util.SplittableRandom r = new java.util.SplittableRandom(3);
		for (int i = 0; i < img.length; i++) img[i] += (float) (30 * r.nextGaussian());
		final byte[] mask = new byte[n * n];
		for (int y = 40; y < 60; y++) for (int x = 20; x < 100; x++) mask[y * n + x] = 1;
		final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 10).withSeed(5);
		final float[] big = Planes.of(Inpaint.run(ArrayImgs.floats(img.clone(), n, n), ArrayImgs
			.unsignedBytes(mask, n, n), -1, new NoiseModel.Gaussian(30), o.withTile(256)).image()).plane(0);
		final float[] small = Planes.of(Inpaint.run(ArrayImgs.floats(img.clone(), n, n), ArrayImgs
			.unsignedBytes(mask, n, n), -1, new NoiseModel.Gaussian(30), o.withTile(64)).image()).plane(0);
		final double d = DenoiseTest.rms(big, small);
		assertTrue(d < 3, "tiles 64 vs 256: RMS difference " + d + " (noise sigma 30)");
	}
}
