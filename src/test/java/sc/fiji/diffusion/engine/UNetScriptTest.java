package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;

class UNetScriptTest {

	/** Random weights everywhere (the output layer starts at zero, which would hide the rest). */
	private static UNet randomNetwork(final NDManager m, final UNetConfig config, final Shape in) {
		final UNet net = new UNet(config, 1);
		net.initialize(m, DataType.FLOAT32, in, new Shape(in.get(0)));
		for (final Pair<String, Parameter> p : net.getParameters()) {
			final NDArray a = p.getValue().getArray();
			if (p.getKey().endsWith("frequencies")) continue;
			a.set(m.randomNormal(a.getShape()).mul(p.getKey().contains("gamma") ? 1 : 0.2).add(p.getKey()
				.contains("gamma") ? 1 : 0).toFloatArray());
		}
		return net;
	}

	private static double maxAbs(final NDArray a) {
		return HostReads.scalar(a.abs().max());
	}

	/**
	 * The TorchScript module computes what the DJL blocks compute, for both a two- and a three-level
	 * network (skips, width changes, downsampling and upsampling all exercised), at several labels and
	 * a non-square input: a wrong weight, a swapped skip or a missing term would differ by the
	 * output's own size. Each way of writing GroupNorm and the upsampling convolution.
	 */
	@Test
	void theScriptedNetworkAgreesWithTheBlocks() {
		for (final int variant : new int[] { 0, 1, 2, 3 }) for (final UNetConfig config : new UNetConfig[] {
			new UNetConfig(new int[] { 8, 16 }, 1, 4, 16), new UNetConfig(new int[] { 8, 16, 32 }, 2, 4, 32) })
		{
			try (NDManager m = NDManager.newBaseManager()) {
				final Shape in = new Shape(3, 1, 16, 24);
				final UNet net = randomNetwork(m, config, in);
				final NDArray x = m.randomNormal(in);
				final NDArray label = m.create(new float[] { 0.5f, 37, 999 });
				final NDArray blocks = net.forward(new ParameterStore(m, false), new NDList(x, label), false)
					.singletonOrThrow();
				// Variant 3: the phases as one convolution (-Ddiffusion.phaseConv, read while the source is written).
				if (variant == 3) System.setProperty("diffusion.phaseConv", "true");
				final PtSymbolBlock script;
				try {
					script = UNetScript.load(net, m, variant == 1, variant >= 2);
				}
				finally {
					System.clearProperty("diffusion.phaseConv");
				}
				final NDArray scripted = script.forward(new ParameterStore(m, false), new NDList(x, label),
					false).singletonOrThrow();
				assertEquals(blocks.getShape(), scripted.getShape());
				final double scale = maxAbs(blocks);
				assertTrue(scale > 0.1, "the output is too small to compare: " + scale);
				final double diff = maxAbs(blocks.sub(scripted));
				// On a GPU the two paths' float kernels differ (cuDNN's convolution algorithms, group_norm's
				// reductions against batch_norm's): measured 1.4e-4 of the scale on the H200.
				final double tolerance = m.getDevice().isGpu() ? 1e-3 : 1e-4;
				assertTrue(diff < tolerance * scale, config + (variant == 1 ? ", split norm" : variant == 2 ?
					", upsampling convolution by phases" : variant == 3 ? ", phases in one convolution" : "") + ": scripted differs by " + diff + " (output scale " +
					scale + ")");
			}
		}
	}

	/**
	 * The denoiser through the module (the family's conditioning and estimate written in TorchScript
	 * around the network) gives the blocks' estimate: DDPM at levels between and beyond its table's
	 * entries, below and above sigma 1 (where the estimate is clipped), and under a lowest level; NCSN
	 * across its range. A wrong coefficient, an off-by-one timestep or a missing clip differs by far
	 * more than the tolerance: the test checks that each case moves the estimate.
	 */
	@Test
	void theScriptedDenoiserAgreesWithTheBlocks() {
		final UNetConfig config = new UNetConfig(new int[] { 8, 16 }, 1, 4, 16);
		final float[] levels = { 0.003f, 0.05f, 0.37f, 0.99f, 1.7f, 12f, 140f };
		for (final Family family : Family.values()) for (final double lowest : new double[] { 0, 0.2 }) {
			try (NDManager m = NDManager.newBaseManager()) {
				final Shape in = new Shape(levels.length, 1, 16, 16);
				final UNet net = randomNetwork(m, config, in);
				final NetworkDenoiser d = new NetworkDenoiser(family, family == Family.DDPM ? VpSchedule.cosine(
					1000) : new VeSchedule(0.002, 80), net, m);
				d.lowestLevel(lowest);
				final NDArray sigma = m.create(levels);
				final NDArray x = m.randomNormal(in).mul(sigma.reshape(-1, 1, 1, 1).add(1));
				final NDArray blocks = d.denoise(x, lowest > 0 ? sigma.maximum((float) lowest) : sigma, false);
				d.useScript();
				assertTrue(d.scripted(), d.networkPath());
				final NDArray scripted = d.denoise(x, sigma);
				assertEquals(blocks.getShape(), scripted.getShape());
				final float[] a = blocks.toFloatArray(), b = scripted.toFloatArray();
				final int per = a.length / levels.length;
				for (int k = 0; k < levels.length; k++) {
					double diff = 0, scale = 0;
					for (int i = k * per; i < (k + 1) * per; i++) {
						diff = Math.max(diff, Math.abs(a[i] - b[i]));
						scale = Math.max(scale, Math.abs(a[i]));
					}
					assertTrue(scale > 0.1, "the estimate is too small to compare: " + scale);
					assertTrue(diff < (m.getDevice().isGpu() ? 1e-3 : 1e-4) * Math.max(1, scale) * Math.max(1, levels[k]), family + ", lowest " + lowest +
						", sigma " + levels[k] + ": scripted differs by " + diff + " (scale " + scale + ")");
				}
				// One level for all the states (the module's shared embedding) gives what that level per state gives.
				try (NDManager scope = m.newSubManager()) {
					final NDArray each = d.denoise(x, m.full(new Shape(levels.length), 0.37f));
					final double tolerance = (m.getDevice().isGpu() ? 1e-3 : 1e-5) * maxAbs(each);
					// Shape (1), a scalar, and the blocks' path with shape (1).
					for (final NDArray one : new NDArray[] { d.denoise(x, m.create(new float[] { 0.37f })), d.denoise(x, m
						.create(0.37f)), d.denoise(x, m.create(new float[] { 0.37f }), false) })
					{
						final double diff = HostReads.scalar(each.sub(one).abs().max());
						assertTrue(diff < tolerance * (m.getDevice().isGpu() ? 1 : 10), family + ": one shared level " + one
							.getShape() + " differs by " + diff);
					}
				}
				// Each level's estimate is its own: the timestep (or label) reached the network.
				try (NDManager scope = m.newSubManager()) {
					final NDArray again = d.denoise(x, m.create(new float[] { 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f,
						0.5f }));
					assertTrue(HostReads.scalar(again.sub(scripted).abs().max()) > 1e-2, family +
						": the levels change nothing");
				}
			}
		}
	}

	/**
	 * A module written in bfloat16 from float weights (the CPU's fast type) gives the float module's
	 * estimate to bfloat16's precision, for both families at levels below 1 (above, DDPM's estimate is
	 * clipped to the data range, which would hide the difference), with a level per image and with one
	 * level for all (the restorations' call); and it computes in bfloat16: it differs from the float
	 * module by more than float's rounding. Measured with these random weights: 0.4 to 2% of the
	 * estimate's departure from its input.
	 */
	@Test
	void aBfloat16ModuleGivesTheFloatEstimateToItsPrecision() {
		final UNetConfig config = new UNetConfig(new int[] { 8, 16 }, 1, 4, 16);
		final float[] levels = { 0.003f, 0.05f, 0.37f, 0.99f };
		for (final Family family : Family.values()) {
			try (NDManager m = NDManager.newBaseManager()) {
				final Shape in = new Shape(levels.length, 1, 16, 16);
				final UNet net = randomNetwork(m, config, in);
				final NetworkDenoiser d = new NetworkDenoiser(family, family == Family.DDPM ? VpSchedule.cosine(
					1000) : new VeSchedule(0.002, 80), net, m);
				final NDArray x = m.randomNormal(in).mul(m.create(levels).reshape(-1, 1, 1, 1).add(1));
				final NDArray[] sigmas = { m.create(levels), m.create(new float[] { 0.37f }) };
				final float[][] full = new float[2][], b = new float[2][];
				d.useScript();
				for (int k = 0; k < 2; k++) full[k] = d.denoise(x, sigmas[k]).toFloatArray();
				d.useScript(Precision.BFLOAT16);
				assertEquals(Precision.BFLOAT16, d.precision());
				for (int k = 0; k < 2; k++) b[k] = d.denoise(x, sigmas[k]).toFloatArray();
				final float[] xs = x.toFloatArray();
				final int per = xs.length / levels.length;
				double most = 0;
				for (int k = 0; k < 2; k++) for (int n = 0; n < levels.length; n++) {
					double diff = 0, scale = 0;
					for (int i = n * per; i < (n + 1) * per; i++) {
						diff = Math.max(diff, Math.abs(full[k][i] - b[k][i]));
						scale = Math.max(scale, Math.abs(xs[i] - full[k][i]));
					}
					// bfloat16 keeps 8 significant bits (a relative 2^-9 per rounding) through a few layers.
					final String what = family + (k == 0 ? ", sigma " + levels[n] : ", one level 0.37, image " + n);
					assertTrue(scale > 1e-3, what + ": the estimate does not depart from the input");
					assertTrue(diff < 0.03 * scale, what + ": bfloat16 differs by " + diff + " (departure " + scale +
						")");
					most = Math.max(most, diff / scale);
				}
				assertTrue(most > 1e-4, family + ": bfloat16 differs from float by only " + most + ": not bfloat16");
			}
		}
	}
}
