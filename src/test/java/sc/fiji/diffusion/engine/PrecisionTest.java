package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import org.junit.jupiter.api.Test;

/** The user's precision words: half where it pays, a message where it does not. */
class PrecisionTest {

	@Test
	void autoIsHalfOnAGpuAndBfloat16OnlyOnACpuThatComputesIt() {
		assertEquals(Precision.HALF, Precision.choose("auto", Device.gpu()));
		final Precision cpu = Precision.NATIVE_BFLOAT16 ? Precision.BFLOAT16 : Precision.FLOAT;
		assertEquals(cpu, Precision.choose("Auto", Device.cpu()));
		assertEquals(cpu, Precision.choose(null, Device.cpu()));
		assertEquals(Precision.BFLOAT16, Precision.choose("BFloat16", Device.cpu()));
		assertEquals(Precision.BFLOAT16, Precision.choose("bfloat16", Device.gpu()));
		assertEquals(Precision.FLOAT, Precision.choose("FLOAT", Device.gpu(1)));
		assertEquals(Precision.HALF, Precision.choose(" half ", Device.gpu(1)));
	}

	@Test
	void halfOnTheCpuAndUnknownWordsAreRefusedWithWhatToWrite() {
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Precision.choose("half", Device
			.cpu())).getMessage().contains("Use precision=auto or precision=float"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Precision.choose("bf8", Device
			.gpu())).getMessage().contains("use auto, float, half or bfloat16"));
	}

	/** The processor's flags decide (Linux's /proc/cpuinfo); no file, no flag: float. */
	@Test
	void bfloat16IsNativeWhereTheFlagsSaySo(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
		throws java.io.IOException
	{
		final java.nio.file.Path f = dir.resolve("cpuinfo");
		final String head = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC avx512_bf16-like\n";
		java.nio.file.Files.writeString(f, head + "flags\t\t: fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni\n");
		assertTrue(Precision.nativeBfloat16(null, f));
		java.nio.file.Files.writeString(f, head + "flags\t\t: fpu avx512f amx_bf16 amx_tile\n");
		assertTrue(Precision.nativeBfloat16(null, f));
		java.nio.file.Files.writeString(f, head + "flags\t\t: fpu sse2 avx2 avx512f avx512_vnni\nbugs\t\t: avx512_bf16\n");
		assertTrue(!Precision.nativeBfloat16(null, f));
		assertTrue(!Precision.nativeBfloat16(null, dir.resolve("missing")));
		assertTrue(Precision.nativeBfloat16("true", dir.resolve("missing")));
		java.nio.file.Files.writeString(f, head + "flags\t\t: avx512_bf16\n");
		assertTrue(!Precision.nativeBfloat16("false", f));
	}
}
