package sc.fiji.diffusion.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.io.IOException;
import java.nio.file.Paths;

import net.imglib2.img.array.ArrayImgs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import sc.fiji.diffusion.engine.Devices;
import sc.fiji.diffusion.engine.HostReads;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.Precision;
import sc.fiji.diffusion.model.ModelFolder;

/**
 * The restorations on a GPU, where there is one (skipped elsewhere): the same answers as on the CPU
 * and one read-back per result. The CPU-only natives on the test class path hide a GPU: run with
 * {@code mvn test -Pgpu -Dtest=GpuTest}, which leaves them out and lets DJL fetch its CUDA build.
 */
@EnabledIf("sc.fiji.diffusion.restore.GpuTest#hasGpu")
class GpuTest {

	static NetworkDenoiser gpu, half;

	static boolean hasGpu() {
		try {
			return Engine.getEngine("PyTorch").getGpuCount() > 0;
		}
		catch (final RuntimeException | UnsatisfiedLinkError e) {
			return false;
		}
	}

	@BeforeAll
	static void load() throws IOException {
		gpu = ModelFolder.load(Paths.get("models", "ddpm-fluo"), Device.gpu());
		half = ModelFolder.load(Paths.get("models", "ddpm-fluo"), Device.gpu(), Precision.HALF);
	}

	@AfterAll
	static void close() {
		gpu.close();
		half.close();
	}

	/** The posterior mean of a 256 x 256 scene (noise 100, range 1000), from one read-back. */
	private static float[] denoised(final NetworkDenoiser model, final float[] noisy,
		final boolean checkReadBacks)
	{
		final long before = HostReads.count();
		final float[] out = DenoiseTest.pixels(Denoise.run(ArrayImgs.floats(noisy.clone(), 256, 256), -1,
			new NoiseModel.Gaussian(100), RestoreOptions.defaults(model, "ddpm", 50)).image());
		if (checkReadBacks) assertEquals(1, HostReads.count() - before, "read-backs from the device");
		return out;
	}

	@Test
	void halfPrecisionGivesFloatsAnswerAndKeepsKnownPixels() {
		final float[] noisy = DenoiseTest.noisyScene(256, 100, 3)[1];
		final float[] inHalf = denoised(half, noisy, true);
		final float[] inFloat = denoised(gpu, noisy, false);
		// On the CPU half and float differ by RMS 0.1 here (DenoiseTest): 1 is a tenth of the gain.
		assertTrue(DenoiseTest.rms(inHalf, inFloat) < 1, "half and float differ by RMS " + DenoiseTest.rms(
			inHalf, inFloat));
		final int n = 64;
		final float[] img = InverseProblemTest.scene(n);
		final byte[] mask = new byte[n * n];
		for (int y = 20; y < 30; y++) for (int x = 10; x < 50; x++) mask[y * n + x] = 1;
		final float[] out = Planes.of(Inpaint.run(ArrayImgs.floats(img.clone(), n, n), ArrayImgs
			.unsignedBytes(mask, n, n), -1, new NoiseModel.Gaussian(0), RestoreOptions.defaults(half, "ddpm",
				20)).image()).plane(0);
		for (int i = 0; i < n * n; i++) {
			if (mask[i] == 0) assertEquals(img[i], out[i], 0f);
			else assertTrue(Float.isFinite(out[i]), "pixel " + i);
		}
	}

	@Test
	void denoisingGivesTheCpusAnswerWithOneReadBack() {
		final float[] noisy = DenoiseTest.noisyScene(256, 100, 3)[1];
		final float[] onGpu = denoised(gpu, noisy, true);
		final float[] onCpu = denoised(ShippedModel.ddpm(), noisy, false);
		// Data range 1000: kernels differ in rounding, not in result.
		assertTrue(DenoiseTest.rms(onGpu, onCpu) < 1, "GPU and CPU differ by RMS " + DenoiseTest.rms(onGpu,
			onCpu));
	}

	@Test
	void inpaintingAndSuperResolutionKeepTheirGuaranteesAndRepeatWithTheSeed() {
		final int n = 64;
		final float[] img = InverseProblemTest.scene(n);
		final byte[] mask = new byte[n * n];
		for (int y = 20; y < 30; y++) for (int x = 10; x < 50; x++) mask[y * n + x] = 1;
		final RestoreOptions o = RestoreOptions.defaults(gpu, "ddpm", 20).withSamples(2, true).withSeed(5);
		final long before = HostReads.count();
		final Result a = Inpaint.run(ArrayImgs.floats(img.clone(), n, n), ArrayImgs.unsignedBytes(mask, n,
			n), -1, new NoiseModel.Gaussian(0), o);
		assertEquals(2, HostReads.count() - before, "read-backs from the device (mean and spread)");
		final float[] out = Planes.of(a.image()).plane(0);
		for (int i = 0; i < n * n; i++) if (mask[i] == 0) assertEquals(img[i], out[i], 0f);
		final float[] again = Planes.of(Inpaint.run(ArrayImgs.floats(img.clone(), n, n), ArrayImgs
			.unsignedBytes(mask, n, n), -1, new NoiseModel.Gaussian(0), o).image()).plane(0);
		assertArrayEquals(out, again, 0f, "the same seed on the same GPU");
		final int m = 32;
		final float[] lo = new float[m * m];
		for (int y = 0; y < m; y++) for (int x = 0; x < m; x++) lo[y * m + x] = img[2 * y * n + 2 * x];
		final float[] hi = Planes.of(SuperResolve.run(ArrayImgs.floats(lo.clone(), m, m), 2, -1,
			new NoiseModel.Gaussian(0), RestoreOptions.defaults(gpu, "ddpm", 20)).image()).plane(0);
		for (int y = 0; y < m; y++) {
			for (int x = 0; x < m; x++) {
				final double binned = (hi[2 * y * n + 2 * x] + hi[2 * y * n + 2 * x + 1] + hi[(2 * y + 1) * n + 2 *
					x] + hi[(2 * y + 1) * n + 2 * x + 1]) / 4;
				assertEquals(lo[y * m + x], binned, 1.0, "block " + x + "," + y);
			}
		}
	}

	/**
	 * A call of windows takes no more device memory than tile 0 counts for them ({@link
	 * TiledDenoiser#bytesPerWindow}), in half and in float: calls larger than any before in this
	 * process (so that PyTorch's cache must grow for them), CUDA's count before and after. What the
	 * cache held before can only lower the growth; the float call, after the half one, is held with
	 * it to the larger of the two counts.
	 */
	@Test
	void aCallTakesNoMoreMemoryThanCounted() {
		final Device device = half.manager().getDevice();
		final long first = Devices.usedBytes(device);
		long allowed = 0;
		for (final NetworkDenoiser model : new NetworkDenoiser[] { half, gpu }) {
			final int w = model.patch();
			final long counted = TiledDenoiser.bytesPerWindow(model, w);
			final int n = (int) Math.min(4096, Devices.freeBytes(device) / 2 / counted);
			org.junit.jupiter.api.Assumptions.assumeTrue(n >= 64, "too little free memory to measure: " + n +
				" windows");
			final long before = Devices.usedBytes(device);
			try (ai.djl.ndarray.NDManager m = model.manager().newSubManager()) {
				HostReads.floats(model.denoise(m.randomNormal(new ai.djl.ndarray.types.Shape(n, 1, w, w)), m.full(
					new ai.djl.ndarray.types.Shape(n), 0.2f)).sum());
			}
			final long after = Devices.usedBytes(device), grown = after - before;
			allowed = Math.max(allowed, (long) n * counted);
			System.out.printf("GPU memory of a call of %d windows (%s): %.1f MB per window, counted %.1f MB%n", n,
				model.precision(), grown / 1e6 / n, counted / 1e6);
			assertTrue(grown <= (long) n * counted, model.precision() + ": " + grown / 1e6 / n + " MB per window, " +
				counted / 1e6 + " counted");
			assertTrue(after - first <= allowed, "both calls together took " + (after - first) / 1e6 + " MB, " +
				allowed / 1e6 + " counted for the larger");
		}
	}
}
