package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;

class UNetTest {

	private static final UNetConfig TINY = new UNetConfig(new int[] { 8, 16 }, 1, 4, 16);

	/** The last convolution's weights (zero at initialization). */
	static NDArray outputWeights(final UNet net) {
		for (final Pair<String, Parameter> p : net.getParameters()) {
			if (p.getKey().endsWith("out_conv_weight")) return p.getValue().getArray();
		}
		throw new AssertionError("no out_conv weight among " + net.getParameters().keys());
	}

	@Test
	void outputHasTheInputShapeForNonSquareImages() {
		try (NDManager m = NDManager.newBaseManager()) {
			final UNet net = new UNet(TINY, 1);
			net.initialize(m, DataType.FLOAT32, new Shape(3, 1, 16, 24), new Shape(3));
			final NDArray y = net.forward(new ParameterStore(m, false), new NDList(m.randomNormal(
				new Shape(3, 1, 16, 24)), m.create(new float[] { 1, 10, 100 })), false).singletonOrThrow();
			assertEquals(new Shape(3, 1, 16, 24), y.getShape());
		}
	}

	@Test
	void refusesSidesThatAreNotMultiplesOfTheDownsampling() {
		try (NDManager m = NDManager.newBaseManager()) {
			final UNet net = new UNet(TINY, 1);
			net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 16, 16), new Shape(1));
			final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net
				.forward(new ParameterStore(m, false), new NDList(m.zeros(new Shape(1, 1, 15, 16)), m
					.zeros(new Shape(1))), false));
			assertTrue(e.getMessage().contains("multiples of 2"), e.getMessage());
		}
	}

	@Test
	void everyTrainableParameterReceivesAGradient() {
		try (NDManager m = NDManager.newBaseManager()) {
			final UNet net = new UNet(TINY, 1);
			net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 16, 16), new Shape(2));
			// The zero-initialized output layer blocks gradients to everything below it on the first
			// step: give it weights first, as after one optimizer step.
			outputWeights(net).set(m.randomNormal(new Shape(1, 8, 3,
				3)).mul(0.1).toFloatArray());
			final NDArray x = m.randomNormal(new Shape(2, 1, 16, 16));
			final NDArray label = m.create(new float[] { 5, 500 });
			try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
				final NDArray y = net.forward(new ParameterStore(m, false), new NDList(x, label), true)
					.singletonOrThrow();
				gc.backward(y.sub(x).square().mean());
			}
			int checked = 0;
			for (final Pair<String, Parameter> p : net.getParameters()) {
				if (!p.getValue().requiresGradient()) continue;
				final double g = HostReads.scalar(p.getValue().getArray().getGradient().abs().sum());
				assertTrue(g > 0, "no gradient reaches " + p.getKey());
				checked++;
			}
			assertTrue(checked > 20, "only " + checked + " parameters checked");
		}
	}

	@Test
	void outputDependsOnTheNoiseLabel() {
		try (NDManager m = NDManager.newBaseManager()) {
			final UNet net = new UNet(TINY, 1);
			net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 16, 16), new Shape(2));
			outputWeights(net).set(m.randomNormal(new Shape(1, 8, 3,
				3)).toFloatArray());
			final NDArray x = m.randomNormal(new Shape(1, 1, 16, 16)).repeat(0, 2);
			final NDArray y = net.forward(new ParameterStore(m, false), new NDList(x, m.create(new float[] {
				1, 900 })), false).singletonOrThrow();
			final double diff = HostReads.scalar(y.get(0).sub(y.get(1)).abs().max());
			assertTrue(diff > 1e-3, "labels 1 and 900 give the same output");
		}
	}
	@Test
	void castToHalfComputesFloatsAnswerWithTheLabelsInFloat() {
		try (NDManager m = NDManager.newBaseManager()) {
			final UNet net = new UNet(TINY, 1);
			net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 16, 16), new Shape(2));
			outputWeights(net).set(m.randomNormal(new Shape(1, 8, 3, 3)).mul(0.3).toFloatArray());
			final NDArray x = m.randomNormal(new Shape(1, 1, 16, 16)).repeat(0, 2);
			// Labels 0.2 apart near 1000, where half precision's spacing is 0.5: both would be 999.
			final NDArray labels = m.create(new float[] { 998.9f, 999.1f });
			final NDArray single = net.forward(new ParameterStore(m, false), new NDList(x, labels), false)
				.singletonOrThrow();
			// The same weights in a network that was never evaluated, cast to half.
			final UNet halfNet = new UNet(TINY, 1);
			halfNet.initialize(m, DataType.FLOAT32, new Shape(2, 1, 16, 16), new Shape(2));
			Checkpoint.load(halfNet, Checkpoint.weights(net), "");
			halfNet.cast(DataType.FLOAT16);
			assertEquals(DataType.FLOAT16, halfNet.dataType());
			for (final Pair<String, Parameter> p : halfNet.getParameters()) {
				final DataType t = p.getValue().getArray().getDataType();
				assertEquals(p.getKey().endsWith("frequencies") ? DataType.FLOAT32 : DataType.FLOAT16, t, p
					.getKey());
			}
			final NDArray half = halfNet.forward(new ParameterStore(m, false), new NDList(x.toType(
				DataType.FLOAT16, false), labels), false).singletonOrThrow();
			assertEquals(DataType.FLOAT16, half.getDataType());
			final NDArray h = half.toType(DataType.FLOAT32, false);
			final double err = HostReads.scalar(h.sub(single).square().mean().sqrt());
			final double size = HostReads.scalar(single.square().mean().sqrt());
			assertTrue(err < 0.01 * size, "half differs from float by RMS " + err + " (output RMS " + size +
				")");
			final double labelEffect = HostReads.scalar(h.get(0).sub(h.get(1)).abs().max());
			assertTrue(labelEffect > 10 * err, "labels 998.9 and 999.1 give the same output in half " +
				"precision (difference " + labelEffect + ")");
			// A parameter store now holds the half weights: casting again would leave it stale.
			assertThrows(IllegalStateException.class, () -> halfNet.cast(DataType.FLOAT32));
		}
	}
}
