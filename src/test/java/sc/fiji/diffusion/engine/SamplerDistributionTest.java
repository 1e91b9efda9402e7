package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every sampler, driven by the exact denoiser of a Gaussian mixture, must reproduce the mixture's
 * component weights, means and covariances, under a DDPM (linear VP) and an NCSN (geometric VE)
 * schedule. Reference statistics come from exact draws classified the same way, so the classifier's
 * own errors cancel. Tolerances are about 4 standard errors of the difference at N = 20000.
 */
class SamplerDistributionTest {

	static final int N = 20000;
	static final double WEIGHT_TOL = 0.02, MEAN_TOL = 0.05, COV_TOL = 0.035;

	static final NoiseSchedule DDPM = VpSchedule.linear(1000, 1e-4, 0.02);
	static final NoiseSchedule NCSN = new VeSchedule(0.01, 20);

	static Stream<Arguments> cases() {
		return Stream.of(
			Arguments.of("ddpm", DDPM, 250), Arguments.of("ddpm", NCSN, 250),
			Arguments.of("ddim", DDPM, 100), Arguments.of("ddim", NCSN, 100),
			Arguments.of("ddim:0.5", DDPM, 100), Arguments.of("ddim:0.5", NCSN, 100),
			Arguments.of("langevin", DDPM, 600), Arguments.of("langevin", NCSN, 600),
			Arguments.of("pc", DDPM, 150), Arguments.of("pc", NCSN, 150),
			Arguments.of("dpm++", DDPM, 30), Arguments.of("dpm++", NCSN, 30));
	}

	@ParameterizedTest(name = "{0} on {1} with {2} steps")
	@MethodSource("cases")
	void samplesMatchTheMixture(final String sampler, final NoiseSchedule schedule, final int steps) {
		final GaussianMixture mixture = new GaussianMixture();
		final Sampler s = Sampler.byName(sampler);
		assertMatches(mixture, sample(mixture, s, s.grid(schedule, steps), false), sampler);
	}

	@Test
	void aScheduleShiftedByOneStepFailsTheSameCheck() {
		final GaussianMixture mixture = new GaussianMixture();
		for (final NoiseSchedule schedule : new NoiseSchedule[] { DDPM, NCSN }) {
			// Few steps, so one step is a real error; unshifted, these settings pass (measured: worst
			// statistic at 0.8 and 0.6 of its tolerance; shifted at 4.1 and 3.1 times it).
			final Sampler s = Sampler.byName("dpm++");
			final double[] grid = s.grid(schedule, 25);
			assertMatches(mixture, sample(mixture, s, grid, false), "dpm++, 25 steps");
			assertThrows(AssertionError.class, () -> assertMatches(mixture, sample(mixture, s, grid, true),
				"shifted"), "a one-step shift went unnoticed on " + schedule.describe());
		}
	}

	@Test
	void theStepLoopReadsNothingFromTheDevice() {
		final GaussianMixture mixture = new GaussianMixture();
		for (final String name : new String[] { "ddpm", "ddim:0.3", "langevin", "pc", "dpm++" }) {
			try (NDManager m = NDManager.newBaseManager()) {
				final Sampler s = Sampler.byName(name);
				final NDArray x = m.randomNormal(GaussianMixture.stateShape(800)).mul(20);
				final long before = HostReads.count();
				final NDArray out = s.sample(mixture, x, s.grid(NCSN, 20), NoiseSource.seeded(3),
					SamplingListener.NONE);
				assertEquals(before, HostReads.count(), name + " read device values inside its loop");
				assertEquals(x.getShape(), out.getShape());
			}
		}
	}

	/**
	 * Draws N samples; when {@code shifted}, the denoiser is told the noise level one grid step
	 * higher than the state's (an off-by-one between schedule and network).
	 */
	static float[] sample(final GaussianMixture mixture, final Sampler sampler, final double[] grid,
		final boolean shifted)
	{
		try (NDManager m = NDManager.newBaseManager()) {
			final NDArray x = m.randomNormal(GaussianMixture.stateShape(N)).mul(grid[0]);
			Denoiser d = mixture;
			if (shifted) {
				final double[] up = new double[grid.length];
				for (int i = 0; i < grid.length; i++) up[i] = i == 0 ? grid[0] * grid[0] / grid[1] : grid[i - 1];
				final NDArray levels = m.create(toFloats(grid)).reshape(1, -1);
				final NDArray upLevels = m.create(toFloats(up));
				d = (state, sigma) -> {
					// Index of this sigma in the grid: number of levels clearly above it.
					final NDArray index = sigma.reshape(-1, 1).mul(1.0001).lt(levels).toType(
						ai.djl.ndarray.types.DataType.INT64, false).sum(new int[] { 1 });
					return mixture.denoise(state, upLevels.take(sigma.getManager(), index));
				};
			}
			final NDArray out = sampler.sample(d, x, grid, NoiseSource.seeded(42), SamplingListener.NONE);
			return HostReads.floats(out);
		}
	}

	static float[] toFloats(final double[] d) {
		final float[] f = new float[d.length];
		for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
		return f;
	}

	static void assertMatches(final GaussianMixture mixture, final float[] samples, final String what) {
		for (final float v : samples) assertTrue(Float.isFinite(v), what + " produced " + v);
		final double[][] got = mixture.statistics(samples);
		final double[][] want = mixture.statistics(mixture.draw(N, 7));
		final String[] names = { "weight", "mean x", "mean y", "cov xx", "cov xy", "cov yy" };
		final double[] tol = { WEIGHT_TOL, MEAN_TOL, MEAN_TOL, COV_TOL, COV_TOL, COV_TOL };
		for (int k = 0; k < mixture.components(); k++) {
			for (int j = 0; j < 6; j++) {
				assertEquals(want[k][j], got[k][j], tol[j], what + ": component " + k + " " + names[j]);
			}
		}
	}
}
