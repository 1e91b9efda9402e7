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
		final float[] weights = new float[1000], big = { 1e6f, -3f };
		for (int i = 0; i < weights.length; i++) weights[i] = (float) Math.sin(i * 0.37) * 0.2f;
		final Map<String, TensorFile.Tensor> t = new LinkedHashMap<>();
		t.put("w", new TensorFile.Tensor(new long[] { 10, 100 }, weights));
		t.put("big", new TensorFile.Tensor(new long[] { 2 }, big));
		final Path f = dir.resolve("f.bin"), h = dir.resolve("h.bin");
		new TensorFile("x", t).write(f);
		new TensorFile("x", t).write(h, TensorFile.Storage.HALF);
		assertTrue(Files.size(h) < Files.size(f) * 0.55, Files.size(h) + " vs " + Files.size(f));
		final TensorFile back = TensorFile.read(h);
		for (int i = 0; i < weights.length; i++) {
			assertEquals(Half.toFloat(Half.fromFloat(weights[i])), back.tensors().get("w").values()[i], 0f);
			assertEquals(weights[i], back.tensors().get("w").values()[i], Math.abs(weights[i]) / 2048 + 1e-7);
		}
		// 1e6 is beyond half's range: that tensor stays float, exactly.
		assertEquals(1e6f, back.tensors().get("big").values()[0], 0f);
		assertEquals("x", back.header());
	}
}
