package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrainerTest {

	static final UNetConfig TINY = new UNetConfig(new int[] { 8, 16 }, 1, 4, 16);

	/** Tiny data: smooth blobs at random places, a structure a tiny net learns in a few steps. */
	static final PatchSource BLOBS = (random, size) -> {
		final float[] p = new float[size * size];
		final double cx = random.nextDouble() * size, cy = random.nextDouble() * size;
		for (int y = 0; y < size; y++) {
			for (int x = 0; x < size; x++) {
				final double r2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
				p[y * size + x] = (float) (2 * Math.exp(-r2 / 18) - 1);
			}
		}
		return p;
	};

	static Trainer.Config config(final Family family) {
		final NoiseSchedule s = family == Family.DDPM ? VpSchedule.linear(1000, 1e-4, 0.02)
			: new VeSchedule(0.01, 20);
		return new Trainer.Config(family, s, TINY, 16, 8, 2e-3, 0.99, 5);
	}

	@ParameterizedTest
	@EnumSource(Family.class)
	void aFewStepsLowerTheValidationLoss(final Family family) {
		try (Trainer t = new Trainer(config(family), BLOBS, Device.cpu())) {
			final double before = t.evaluate(99, 4);
			for (int i = 0; i < 60; i++) t.trainStep();
			final double after = t.evaluate(99, 4);
			assertTrue(after < 0.9 * before, family + ": validation loss " + before + " -> " + after);
		}
	}

	@ParameterizedTest
	@EnumSource(Family.class)
	void aResumedRunFollowsTheUninterruptedOne(final Family family, @TempDir final Path dir)
		throws IOException
	{
		final double[] straight = new double[6];
		try (Trainer t = new Trainer(config(family), BLOBS, Device.cpu())) {
			for (int i = 0; i < 6; i++) straight[i] = t.trainStep();
		}
		final double[] resumed = new double[6];
		final Path checkpoint = dir.resolve("run.ckpt");
		try (Trainer t = new Trainer(config(family), BLOBS, Device.cpu())) {
			for (int i = 0; i < 3; i++) resumed[i] = t.trainStep();
			t.save(checkpoint);
		}
		try (Trainer t = Trainer.resume(checkpoint, BLOBS, Device.cpu())) {
			assertEquals(3, t.step());
			for (int i = 3; i < 6; i++) resumed[i] = t.trainStep();
		}
		assertArrayEquals(straight, resumed, 1e-6 * Math.abs(straight[5]), family +
			": loss trajectory changed after resuming");
	}

	@Test
	void aRunCanContinueFromShippedWeightsAlone() {
		final java.util.Map<String, TensorFile.Tensor> weights;
		try (Trainer t = new Trainer(config(Family.DDPM), BLOBS, Device.cpu())) {
			for (int i = 0; i < 5; i++) t.trainStep();
			weights = t.emaWeights();
		}
		try (Trainer t = new Trainer(config(Family.DDPM), BLOBS, Device.cpu())) {
			t.startFrom(weights, 5, 12.5, java.util.List.of(java.util.Map.of("device", "cpu", "to_step", 5)));
			assertEquals(5, t.step());
			for (final String k : weights.keySet()) {
				assertArrayEquals(weights.get(k).values(), t.emaWeights().get(k).values(), 0f, k);
			}
			final double loss = t.trainStep();
			assertTrue(Double.isFinite(loss));
			assertEquals(6, t.step());
			// The record keeps the earlier run and adds this one, from step 5, with its warm-up.
			final java.util.List<java.util.Map<String, Object>> runs = t.runs();
			assertEquals(2, runs.size());
			assertEquals(5L, runs.get(1).get("from_step"));
			assertEquals(6L, runs.get(1).get("to_step"));
			assertEquals((long) Trainer.WARM_UP_STEPS, runs.get(1).get("warm_up_steps"));
		}
	}

	/** BLOBS with Gaussian noise of sigma 0.2 (model units), clean unless the level is told. */
	static PatchSource noisyBlobs(final boolean told) {
		return new PatchSource() {

			@Override
			public float[] patch(final java.util.SplittableRandom random, final int size) {
				final float[] p = BLOBS.patch(random, size);
				for (int i = 0; i < p.length; i++) p[i] += (float) (0.2 * random.nextGaussian());
				return p;
			}

			@Override
			public Noisy noisyPatch(final java.util.SplittableRandom random, final int size) {
				return new Noisy(patch(random, size), told ? 0.2f : 0);
			}
		};
	}

	/** Mean squared error of denoising clean blobs seen through noise 0.3, against the clean blobs. */
	static double cleanError(final Trainer t) {
		final java.util.SplittableRandom r = new java.util.SplittableRandom(77);
		final int n = 32, size = 16;
		final float[] clean = new float[n * size * size], noisy = new float[clean.length];
		for (int k = 0; k < n; k++) System.arraycopy(BLOBS.patch(r, size), 0, clean, k * size * size, size *
			size);
		for (int i = 0; i < clean.length; i++) noisy[i] = (float) (clean[i] + 0.3 * r.nextGaussian());
		try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(Device.cpu())) {
			final float[] sigma = new float[n];
			java.util.Arrays.fill(sigma, 0.3f);
			final float[] d = HostReads.floats(t.denoiser().denoise(m.create(noisy, new ai.djl.ndarray.types
				.Shape(n, 1, size, size)), m.create(sigma)));
			double e = 0;
			for (int i = 0; i < d.length; i++) e += (d[i] - clean[i]) * (d[i] - clean[i]) / d.length;
			return e;
		}
	}

	/**
	 * Daras et al.'s objective: trained on noisy patches with their level told, the denoiser just
	 * above that level removes the data's own noise too; trained on them as if clean, it keeps part of
	 * it. Both from the same start, data and steps.
	 */
	@ParameterizedTest
	@EnumSource(Family.class)
	void noisyDataWithTheirLevelTrainTheCleanDenoiser(final Family family) {
		final double[] error = new double[2];
		for (int k = 0; k < 2; k++) {
			try (Trainer t = new Trainer(config(family), noisyBlobs(k == 0), Device.cpu())) {
				for (int i = 0; i < 250; i++) t.trainStep();
				error[k] = cleanError(t);
			}
		}
		assertTrue(error[0] < 0.8 * error[1], family + ": error against the clean blobs, level told " +
			error[0] + ", noisy taken as clean " + error[1]);
	}

	/**
	 * A continuation from a model's weights, checkpointed and resumed, follows the uninterrupted
	 * continuation: the optimizer's own step and the warm-up travel in the checkpoint (before, the
	 * resumed optimizer took the training step for its own and dropped the warm-up).
	 */
	@Test
	void aResumedContinuationFollowsTheUninterruptedOne(@TempDir final Path dir) throws IOException {
		final java.util.Map<String, TensorFile.Tensor> weights;
		try (Trainer t = new Trainer(config(Family.DDPM), BLOBS, Device.cpu())) {
			for (int i = 0; i < 3; i++) t.trainStep();
			weights = t.emaWeights();
		}
		final double[] straight = new double[6], resumed = new double[6];
		try (Trainer t = new Trainer(config(Family.DDPM), BLOBS, Device.cpu())) {
			t.startFrom(weights, 1000, 0, java.util.List.of());
			t.focus(0.3);
			for (int i = 0; i < 6; i++) straight[i] = t.trainStep();
		}
		final Path checkpoint = dir.resolve("c.ckpt");
		try (Trainer t = new Trainer(config(Family.DDPM), BLOBS, Device.cpu())) {
			t.startFrom(weights, 1000, 0, java.util.List.of());
			t.focus(0.3);
			for (int i = 0; i < 3; i++) resumed[i] = t.trainStep();
			t.save(checkpoint);
		}
		// The focus travels in the checkpoint: without it the resumed steps would draw other levels.
		try (Trainer t = Trainer.resume(checkpoint, BLOBS, Device.cpu())) {
			for (int i = 3; i < 6; i++) resumed[i] = t.trainStep();
			assertEquals(java.util.Map.of("sigma", 0.3, "fraction", Trainer.FOCUS_FRACTION), t.runs().get(t
				.runs().size() - 1).get("focus"));
		}
		assertArrayEquals(straight, resumed, 1e-6 * Math.abs(straight[5]));
	}

	/**
	 * A focus trains its share of the patches at or below its level and leaves the rest to the whole
	 * range: the share of draws at or below it rises from p to FOCUS_FRACTION + (1 - FOCUS_FRACTION) p,
	 * and draws above it still reach the schedule's top.
	 */
	@ParameterizedTest
	@EnumSource(Family.class)
	void aFocusTrainsItsShareAtLowLevels(final Family family) {
		final double level = 0.3;
		final int n = 20000;
		try (Trainer t = new Trainer(config(family), BLOBS, Device.cpu())) {
			final double plain = shareAtOrBelow(t, level, n);
			t.focus(level);
			final double focused = shareAtOrBelow(t, level, n);
			final double expected = Trainer.FOCUS_FRACTION + (1 - Trainer.FOCUS_FRACTION) * plain;
			assertTrue(plain < 0.5, family + ": share below " + level + " without focus " + plain);
			assertEquals(expected, focused, 0.02, family + ": share below " + level + " with focus");
			double top = 0;
			final java.util.SplittableRandom r = new java.util.SplittableRandom(3);
			for (int i = 0; i < n; i++) top = Math.max(top, t.sampleSigma(r, 0));
			assertTrue(top > 0.8 * config(family).schedule().sigmaMax(), family + ": highest level " + top);
			assertThrows(IllegalArgumentException.class, () -> t.focus(-1));
		}
	}

	private static double shareAtOrBelow(final Trainer t, final double level, final int n) {
		final java.util.SplittableRandom r = new java.util.SplittableRandom(1);
		int below = 0;
		for (int i = 0; i < n; i++) if (t.sampleSigma(r, 0) <= level) below++;
		return below / (double) n;
	}

	/** Moments restarted on trained weights: the learning rate ramps up over the warm-up. */
	@Test
	void aWarmUpRampsTheLearningRate() {
		final Adam a = new Adam(1e-3, 1);
		assertEquals(1e-3, a.learningRate(1), 0);
		a.warmUp(200);
		assertEquals(1e-3 / 200, a.learningRate(1), 1e-12);
		assertEquals(1e-3 / 2, a.learningRate(100), 1e-12);
		assertEquals(1e-3, a.learningRate(200), 0);
		assertEquals(1e-3, a.learningRate(5000), 0);
	}

	@Test
	void aCheckpointIsNotContinuedOnOtherData(@TempDir final Path dir) throws IOException {
		final Path checkpoint = dir.resolve("run.ckpt");
		final PatchSource first = new PatchSource() {

			@Override
			public float[] patch(final java.util.SplittableRandom random, final int size) {
				return BLOBS.patch(random, size);
			}

			@Override
			public String toString() {
				return "images in /data/first";
			}
		};
		try (Trainer t = new Trainer(config(Family.DDPM), first, Device.cpu())) {
			t.trainStep();
			t.save(checkpoint);
		}
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer
			.resume(checkpoint, BLOBS, Device.cpu()));
		assertTrue(e.getMessage().contains("was trained on images in /data/first") && e.getMessage()
			.contains("delete run.ckpt"), e.getMessage());
		try (Trainer t = Trainer.resume(checkpoint, first, Device.cpu())) {
			assertEquals(1, t.step());
		}
	}

	@Test
	void aCheckpointThatIsCutShortIsRefusedWithItsName(@TempDir final Path dir) throws IOException {
		final Path checkpoint = dir.resolve("run.ckpt");
		try (Trainer t = new Trainer(config(Family.NCSN), BLOBS, Device.cpu())) {
			t.trainStep();
			t.save(checkpoint);
		}
		final byte[] all = Files.readAllBytes(checkpoint);
		Files.write(checkpoint, java.util.Arrays.copyOf(all, all.length / 2));
		final IOException e = assertThrows(IOException.class, () -> Trainer.resume(checkpoint, BLOBS,
			Device.cpu()));
		assertTrue(e.getMessage().contains("run.ckpt") && e.getMessage().contains("corrupted"), e
			.getMessage());
	}

	@Test
	void nanInTheDataStopsTrainingWithAMessage() {
		final PatchSource broken = (random, size) -> {
			final float[] p = BLOBS.patch(random, size);
			p[3] = Float.NaN;
			return p;
		};
		try (Trainer t = new Trainer(config(Family.DDPM), broken, Device.cpu())) {
			final IllegalStateException e = assertThrows(IllegalStateException.class, t::trainStep);
			assertTrue(e.getMessage().contains("NaN"), e.getMessage());
		}
	}
}
