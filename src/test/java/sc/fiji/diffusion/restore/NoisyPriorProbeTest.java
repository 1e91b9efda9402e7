package sc.fiji.diffusion.restore;

import ai.djl.Device;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import net.imglib2.img.array.ArrayImgs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import sc.fiji.diffusion.benchmark.Metrics;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.data.SceneSettings;
import sc.fiji.diffusion.engine.data.WideScenes;
import sc.fiji.diffusion.model.ModelFolder;

/**
 * A measurement, not a test (priors issue, item 6): does a prior fine-tuned on noisy images with the
 * noisy-data objective learn the clean prior? The data are vesicle scenes ({@link
 * WideScenes.Kind#VESICLES}, a kind the shipped models never saw), each mapped to [0, 1] by its
 * minimum and maximum; the noisy copies add Gaussian noise of sigma 0.1.
 * <p>
 * {@code main(FOLDER)} writes FOLDER/clean and FOLDER/noisy (96 float TIFFs of 256 x 256 each, seeds
 * 0-95) for {@code train --data}; the probe ({@code -Dmeasure=true -Dmodels=DIR,DIR,...}) restores 12
 * held-out scenes (seeds 1000-1011) with each model: denoising at sigma 0.1 and 0.2 (noise given) and
 * inpainting of the noiseless scene (a 24 x 24 block at the centre, DDPM sampler, 20 steps, mean of 4
 * samples), and prints the median PSNR (data range 1; hole pixels only for inpainting). Run: {@code
 * mvn test -Dtest=NoisyPriorProbeTest -Dmeasure=true -Dmodels=models/ddpm-fluo,... -Dai.djl.offline=true}.
 */
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "measure", matches = "true")
class NoisyPriorProbeTest {

	static final int SIZE = 256, TEST_SIZE = 128, TRAINING_IMAGES = 96, TEST_IMAGES = 12;
	static final double SIGMA = 0.1;

	/** A vesicle scene drawn with the wide world's training settings, mapped to [0, 1]. */
	static float[] scene(final int size, final long seed) {
		final SceneSettings settings = SceneSettings.World.TRAIN.draw(new SplittableRandom(seed * 7919 + 13));
		return sc.fiji.diffusion.benchmark.HardHoles.toUnitRange(WideScenes.scene(WideScenes.Kind.VESICLES,
			settings, size, size, seed));
	}

	static float[] noisy(final float[] clean, final double sigma, final long seed) {
		final SplittableRandom r = new SplittableRandom(seed ^ 0x51A7_E5L);
		final float[] n = clean.clone();
		for (int i = 0; i < n.length; i++) n[i] += (float) (sigma * gaussian(r));
		return n;
	}

	private static double gaussian(final SplittableRandom r) {
		return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
	}

	public static void main(final String[] args) throws IOException {
		final Path root = Paths.get(args[0]);
		for (final String d : new String[] { "clean", "noisy" }) Files.createDirectories(root.resolve(d));
		for (int k = 0; k < TRAINING_IMAGES; k++) {
			final float[] c = scene(SIZE, k);
			save(c, root.resolve("clean").resolve(String.format("vesicles-%02d.tif", k)));
			save(noisy(c, SIGMA, k), root.resolve("noisy").resolve(String.format("vesicles-%02d.tif", k)));
		}
	}

	private static void save(final float[] pixels, final Path file) {
		if (!new FileSaver(new ImagePlus(file.getFileName().toString(), new FloatProcessor(SIZE, SIZE, pixels)))
			.saveAsTiff(file.toString())) throw new IllegalStateException("could not write " + file);
	}

	@Test
	void probe() throws IOException {
		final int n = TEST_SIZE;
		final byte[] mask = new byte[n * n];
		final boolean[] hole = new boolean[n * n];
		for (int y = n / 2 - 12; y < n / 2 + 12; y++) for (int x = n / 2 - 12; x < n / 2 + 12; x++) {
			mask[y * n + x] = 1;
			hole[y * n + x] = true;
		}
		for (final String folder : System.getProperty("models", "models/ddpm-fluo").split(",")) {
			try (NetworkDenoiser model = ModelFolder.load(Paths.get(folder), Device.cpu())) {
				final List<Double> d1 = new ArrayList<>(), d2 = new ArrayList<>(), in = new ArrayList<>();
				for (int k = 0; k < TEST_IMAGES; k++) {
					final long seed = 1000 + k;
					final float[] clean = scene(n, seed);
					final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 20).withSeed(seed);
					for (final double sigma : new double[] { 0.1, 0.2 }) {
						final float[] y = noisy(clean, sigma, seed);
						final float[] x = Planes.of(Denoise.run(ArrayImgs.floats(y, n, n), -1,
							new NoiseModel.Gaussian(sigma), o).image()).plane(0);
						(sigma == 0.1 ? d1 : d2).add(Metrics.psnr(x, clean, 1));
					}
					final float[] x = Planes.of(Inpaint.run(ArrayImgs.floats(clean.clone(), n, n), ArrayImgs
						.unsignedBytes(mask, n, n), -1, new NoiseModel.Gaussian(0), o.withSamples(4, false)).image())
						.plane(0);
					in.add(Metrics.psnr(x, clean, 1, hole));
				}
				System.out.printf("PROBE %s denoise0.1 %.2f denoise0.2 %.2f inpaint %.2f%n", folder, median(d1),
					median(d2), median(in));
			}
		}
	}

	static double median(final List<Double> v) {
		return Metrics.median(v.stream().mapToDouble(Double::doubleValue).toArray());
	}
}
