package sc.fiji.diffusion.restore;

import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Test;
import sc.fiji.diffusion.engine.data.SyntheticScenes;

/**
 * A measurement, not a test (skipped unless {@code -Dmeasure=true}): hole RMS error of inpainting a
 * camera image (gain 2, offset 100, read noise 3; 5 to 405 electrons) in linear units with each
 * pixel's variance, against inpainting its Anscombe transform at unit noise and mapping back, on nine
 * synthetic scenes, a 16 x 24 hole, 20 steps. Run: {@code mvn test -Dtest=AnscombeProbeTest
 * -Dmeasure=true -Dai.djl.offline=true}; the lines go to the surefire report's output file.
 */
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "measure", matches = "true")
class AnscombeProbeTest {
	@Test
	void probe() {
		final var model = ShippedModel.ddpm();
		final int n = 64;
		final NoiseModel.PoissonGaussian pg = new NoiseModel.PoissonGaussian(2, 100, 3);
		double sa = 0, sl = 0;
		for (final SyntheticScenes.Kind kind : new SyntheticScenes.Kind[] { SyntheticScenes.Kind.NUCLEI, SyntheticScenes.Kind.FILAMENTS, SyntheticScenes.Kind.CYTOPLASM }) {
			for (long seed = 50; seed < 53; seed++) {
				final float[][] image = InverseProblemTest.camera(kind, n, seed);
				final float[] clean = image[0], noisy = image[1];
				final byte[] mask = new byte[n * n];
				for (int y = 20; y < 36; y++) for (int x = 16; x < 40; x++) mask[y * n + x] = 1;
				final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 20);
				final float[] lin = Planes.of(Inpaint.run(ArrayImgs.floats(noisy.clone(), n, n), ArrayImgs.unsignedBytes(mask, n, n), -1, pg, o).image()).plane(0);
				final float[] z = new float[n * n];
				for (int i = 0; i < z.length; i++) z[i] = (float) pg.forward(noisy[i]);
				final float[] zo = Planes.of(Inpaint.run(ArrayImgs.floats(z, n, n), ArrayImgs.unsignedBytes(mask, n, n), -1, new NoiseModel.Gaussian(1), o).image()).plane(0);
				double ea = 0, el = 0; int h = 0;
				for (int i = 0; i < n * n; i++) if (mask[i] != 0) {
					ea += Math.pow(pg.algebraicInverse(zo[i]) - clean[i], 2);
					el += Math.pow(lin[i] - clean[i], 2);
					h++;
				}
				System.out.printf("PROBE %s %d anscombe %.1f linear %.1f%n", kind, seed, Math.sqrt(ea / h), Math.sqrt(el / h));
				sa += Math.sqrt(ea / h); sl += Math.sqrt(el / h);
			}
		}
		System.out.printf("PROBE mean anscombe %.1f linear %.1f%n", sa / 9, sl / 9);
	}
}
