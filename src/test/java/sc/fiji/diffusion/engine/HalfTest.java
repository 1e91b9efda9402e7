package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HalfTest {

	/** Every half value but NaN converts to a float and back to itself. */
	@Test
	void everyHalfValueSurvivesTheRoundTrip() {
		for (int h = 0; h < 1 << 16; h++) {
			final float f = Half.toFloat((short) h);
			if (Float.isNaN(f)) {
				assertEquals(0x7c00, h & 0x7c00, "NaN only from an all-ones exponent");
				continue;
			}
			assertEquals((short) h, Half.fromFloat(f), "half " + Integer.toHexString(h) + " = " + f);
		}
	}

	/**
	 * Rounding agrees with NumPy's float16 conversion on 638 floats: random weights, values across the
	 * whole range, subnormals, exact ties, overflow and infinities (file made by NumPy, its version in
	 * the first line).
	 */
	@Test
	void roundingAgreesWithNumpy() throws IOException {
		int n = 0;
		try (BufferedReader r = new BufferedReader(new InputStreamReader(HalfTest.class
			.getResourceAsStream("half-numpy.txt"), StandardCharsets.US_ASCII)))
		{
			for (String line; (line = r.readLine()) != null;) {
				if (line.startsWith("#")) continue;
				final String[] p = line.split(" ");
				final float f = Float.intBitsToFloat(Integer.parseUnsignedInt(p[0], 16));
				assertEquals(Integer.parseInt(p[1], 16), Half.fromFloat(f) & 0xffff, "float " + f + " (" + p[0] +
					")");
				n++;
			}
		}
		assertEquals(638, n);
	}

	@Test
	void halfStorageTakesHalfTheBytesAndKeepsWhatHalfCannotHold(@TempDir final Path dir)
		throws IOException
	{
		// More values than one of the reader's 64 KiB buffers holds, in half and in float.
		final float[] weights = new float[40000], big = { 1e6f, -3f };
		for (int i = 0; i < weights.length; i++) weights[i] = (float) Math.sin(i * 0.37) * 0.2f;
		final Map<String, TensorFile.Tensor> t = new LinkedHashMap<>();
		t.put("w", new TensorFile.Tensor(new long[] { 400, 100 }, weights));
		t.put("big", new TensorFile.Tensor(new long[] { 2 }, big));
		final Path f = dir.resolve("f.bin"), h = dir.resolve("h.bin");
		new TensorFile("x", t).write(f);
		new TensorFile("x", t).write(h, TensorFile.Storage.HALF);
		assertTrue(Files.size(h) < Files.size(f) * 0.55, Files.size(h) + " vs " + Files.size(f));
		final TensorFile back = TensorFile.read(h), exact = TensorFile.read(f);
		for (int i = 0; i < weights.length; i++) {
			assertEquals(weights[i], exact.tensors().get("w").values()[i], 0f);
			assertEquals(Half.toFloat(Half.fromFloat(weights[i])), back.tensors().get("w").values()[i], 0f);
			assertEquals(weights[i], back.tensors().get("w").values()[i], Math.abs(weights[i]) / 2048 + 1e-7);
		}
		// 1e6 is beyond half's range: that tensor stays float, exactly.
		assertEquals(1e6f, back.tensors().get("big").values()[0], 0f);
		assertEquals("x", back.header());
	}

	/**
	 * Bfloat16 rounding agrees with libtorch's own, bit for bit, and a bfloat16 attribute written into
	 * a module archive reads back as the value stored: a module casts its float input to bfloat16 and
	 * back beside the attribute holding this class's rounding of the same floats (random values of
	 * every scale, exact ties both ways, subnormals, the largest floats, which round up to infinity,
	 * infinities, zeros and NaN).
	 */
	@Test
	void bfloat16RoundingAgreesWithLibtorch() throws IOException {
		final java.util.List<Float> v = new java.util.ArrayList<>(java.util.List.of(0f, -0f, 1f, 1 + 0x1p-8f,
			1 + 3 * 0x1p-8f, -(1 + 0x1p-8f), 1 + 0x1p-8f + 0x1p-20f, 1e-40f, -3e-39f, Float.MIN_VALUE,
			Float.MAX_VALUE, -Float.MAX_VALUE, 3.3961776e38f, Float.POSITIVE_INFINITY,
			Float.NEGATIVE_INFINITY, Float.NaN));
		final java.util.SplittableRandom r = new java.util.SplittableRandom(5);
		for (int i = 0; i < 2000; i++) v.add((float) (r.nextGaussian() * Math.pow(10, r.nextInt(-30, 30))));
		final float[] x = new float[v.size()];
		final java.nio.ByteBuffer ours = java.nio.ByteBuffer.allocate(2 * x.length).order(
			java.nio.ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < x.length; i++) ours.putShort(Half.bfloat16(x[i] = v.get(i)));
		// ScalarType 15 is bfloat16, 6 float.
		final String src = "class R(Module):\n  __parameters__ = []\n  training : bool\n  w : Tensor\n" +
			"  def forward(self: __torch__.R, x: Tensor) -> Tensor:\n" +
			"    return torch.cat([torch.to(torch.to(x, 15), 6), torch.to(self.w, 6)])\n";
		final byte[] archive = TorchScriptArchive.write("R", src, java.util.List.of(new TorchScriptArchive.Tensor(
			"w", ai.djl.ndarray.types.DataType.BFLOAT16, new long[] { x.length }, ours.array())));
		try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu())) {
			final ai.djl.pytorch.engine.PtSymbolBlock module = ai.djl.pytorch.jni.JniUtils.loadModule(
				(ai.djl.pytorch.engine.PtNDManager) m, new java.io.ByteArrayInputStream(archive), true, false);
			final float[] out = module.forward(new ai.djl.training.ParameterStore(m, false),
				new ai.djl.ndarray.NDList(m.create(x)), false).singletonOrThrow().toFloatArray();
			for (int i = 0; i < x.length; i++) {
				final float torch = out[i], java = out[x.length + i];
				if (Float.isNaN(x[i])) {
					assertTrue(Float.isNaN(torch) && Float.isNaN(java), "NaN stays NaN");
					continue;
				}
				assertEquals(Float.floatToRawIntBits(torch), Float.floatToRawIntBits(java), "float " + x[i] +
					": libtorch " + torch + ", ours " + java);
				assertEquals(Float.floatToRawIntBits(java), Float.floatToRawIntBits(Half.bfloat16ToFloat(Half
					.bfloat16(x[i]))), "ours read back");
			}
		}
	}
}
