package sc.fiji.diffusion.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The commands from real ImageJ macros, with option strings written by hand to imagej-legacy's rule
 * (lower-case field names, [brackets] around spaces, booleans as key=true).
 */
class MacroTest {

	@TempDir
	Path work;

	static double number(final String output, final String key) {
		final Matcher m = Pattern.compile(key + "=(\\S+)").matcher(output);
		assertTrue(m.find(), "no " + key + " in:\n" + output);
		return Double.parseDouble(m.group(1));
	}

	@Test
	void denoiseRestoresTheNamedImageIntoANewOneAndLeavesTheInputAlone() throws Exception {
		final String macro = String.join("\n", //
			"newImage('clean', '32-bit ramp', 96, 80, 1);", //
			"run('Multiply...', 'value=100');", //
			"run('Duplicate...', 'title=[my noisy]');", //
			"run('Add Specified Noise...', 'standard=4');", //
			"run('Duplicate...', 'title=copy');", //
			"newImage('other', '8-bit black', 40, 40, 1);", // the active image is another one
			"run('Denoise (Diffusion)', 'image=[my noisy] noise=gaussian:4 device=CPU seed=3');", //
			"print('title=' + getTitle());", //
			"print('size=' + getWidth() + 'x' + getHeight() + ' bits=' + bitDepth());", //
			"imageCalculator('Subtract create 32-bit', getTitle(), 'clean'); getStatistics(a, m, mn, mx, sd);", //
			"print('after=' + sqrt(sd*sd + m*m));", //
			"imageCalculator('Subtract create 32-bit', 'my noisy', 'clean'); getStatistics(a, m, mn, mx, sd);", //
			"print('before=' + sqrt(sd*sd + m*m));", //
			"imageCalculator('Difference create 32-bit', 'my noisy', 'copy'); getStatistics(a, m, mn, mx);", //
			"print('changed=' + mx);");
		final ImageJMacro.Run r = ImageJMacro.run(work, macro, null);
		assertTrue(r.output().contains("title=my noisy-denoised"), r.output());
		assertTrue(r.output().contains("size=96x80 bits=32"), r.output());
		assertEquals(0, number(r.output(), "changed"), r.output());
		assertTrue(number(r.output(), "after") < 0.6 * number(r.output(), "before"), r.output());
	}

	@Test
	void anUnknownKeyStopsTheMacroWithTheAcceptedKeys() throws Exception {
		final String macro = String.join("\n", //
			"newImage('img', '32-bit ramp', 64, 64, 1);", //
			"run('Denoise (Diffusion)', 'image=img stesp=3 device=CPU');", //
			"print('still running');");
		final ImageJMacro.Run r = ImageJMacro.run(work, macro, null);
		assertTrue(r.output().contains("Unknown key stesp"), r.output());
		assertTrue(r.output().contains("Accepted keys: device, image, model, noise, precision, sampler, samples, " +
			"seed, steps, tile, uncertainty"), r.output());
		assertTrue(!r.output().contains("still running"), r.output());
	}

	@Test
	void inpaintWithAMaskNamedByTitleKeepsTheKnownPixels() throws Exception {
		final String macro = String.join("\n", //
			"newImage('cell one', '16-bit ramp', 64, 64, 1);", //
			"run('Add Specified Noise...', 'standard=500');", //
			"newImage('holes mask', '8-bit black', 64, 64, 1);", //
			"makeRectangle(10, 20, 30, 6); run('Set...', 'value=255'); run('Select None');", //
			"run('Inpaint (Diffusion)', 'image=[cell one] mask=[holes mask] steps=3 samples=2 uncertainty=true device=CPU');", //
			"print('title=' + getTitle() + ' images=' + nImages);", //
			"imageCalculator('Difference create 32-bit', 'cell one-inpainted', 'cell one');", //
			"makeRectangle(0, 0, 64, 20); getStatistics(a, m, mn, mx); print('known=' + mx);", //
			"selectImage('cell one-inpainted-std'); makeRectangle(0, 0, 64, 20);", //
			"getStatistics(a, m, mn, mx); print('knownstd=' + mx);", //
			"makeRectangle(10, 20, 30, 6); getStatistics(a, m); print('holestd=' + m);");
		final ImageJMacro.Run r = ImageJMacro.run(work, macro, null);
		assertTrue(r.output().contains("title=cell one-inpainted images=4"), r.output());
		assertEquals(0, number(r.output(), "known"), 1e-2, r.output());
		assertEquals(0, number(r.output(), "knownstd"), r.output());
		assertTrue(number(r.output(), "holestd") > 0, r.output());
	}

	/** Cases of the bad-input matrix (BadInputCommandsTest) in a macro: the message, the macro stopped. */
	static Stream<Arguments> badInputs() {
		return Stream.of(Arguments.of("newImage('colour', 'RGB ramp', 64, 64, 1);", "Denoise (Diffusion)",
			"image=colour", "is an RGB image"), Arguments.of(String.join("\n", //
				"newImage('grid', '32-bit ramp', 32, 32, 1);", //
				"for (y = 0; y < 32; y += 2) for (x = 0; x < 32; x += 2) setPixel(x, y, NaN);"),
				"Denoise (Diffusion)", "image=grid", "give the noise explicitly (noise=gaussian:SIGMA)"),
			Arguments.of("newImage('img', '32-bit ramp', 64, 64, 1); newImage('small', '8-bit white', 16, " +
				"16, 1);", "Inpaint (Diffusion)", "image=img mask=small steps=2",
				"give a mask of the image's size"));
	}

	@ParameterizedTest(name = "{3}")
	@MethodSource("badInputs")
	void aBadInputStopsTheMacroWithItsMessage(final String setup, final String command,
		final String options, final String message) throws Exception
	{
		final ImageJMacro.Run r = ImageJMacro.run(work, String.join("\n", setup, //
			"run('" + command + "', '" + options + " device=CPU');", //
			"print('still running');"), null);
		assertTrue(r.output().contains(command + ": ") && r.output().contains(message), r.output());
		assertTrue(!r.output().contains("still running") && !r.output().contains("\tat "), r.output());
	}

	@Test
	void withoutAnImageTheMacroStopsWithAMessage() throws Exception {
		final ImageJMacro.Run r = ImageJMacro.run(work, String.join("\n", //
			"run('Super-Resolution (Diffusion)', 'factor=2 device=CPU');", //
			"print('still running');"), null);
		assertTrue(r.output().contains("No image: open an image first"), r.output());
		assertTrue(!r.output().contains("still running"), r.output());
	}

	/**
	 * Restore Volume from a macro: a Zarr volume written here is denoised into an OME-Zarr image, the
	 * command's output (chunks restored) reaches the macro's Log, and a second run continues (nothing
	 * left to do).
	 */
	@Test
	void restoreVolumeWritesOmeZarrAndContinues() throws Exception {
		final sc.fiji.diffusion.volume.ZarrArray in = sc.fiji.diffusion.volume.ZarrArray.create(work.resolve(
			"vol.zarr"), new long[] { 2, 60, 70 }, new int[] { 1, 64, 64 }, sc.fiji.diffusion.volume.ZarrCodec
				.bloscZstd(), "/", s -> {});
		final java.util.SplittableRandom r = new java.util.SplittableRandom(4);
		for (final long[] c : in.allChunks()) {
			final float[] v = new float[64 * 64];
			for (int i = 0; i < v.length; i++) v[i] = 50 + (i % 64 < 32 ? 200 : 0) + (float) (8 * r.nextGaussian());
			in.writeChunk(c, v);
		}
		final String run = "run('Restore Volume (Diffusion)', 'input=[" + work.resolve("vol.zarr") + "] output=[" +
			work.resolve("out dir.zarr") + "] device=CPU model=ddpm-fluo');";
		final ImageJMacro.Run first = ImageJMacro.run(work, run + "\nprint('done');", null);
		assertTrue(first.output().contains("done"), first.output());
		final sc.fiji.diffusion.volume.OmeZarr.Image out = sc.fiji.diffusion.volume.OmeZarr.open(work.resolve(
			"out dir.zarr"), 0, s -> {});
		assertEquals(2 * 60 * 70, out.array().read(new long[3], new int[] { 2, 60, 70 }).length);
		assertTrue(java.nio.file.Files.isRegularFile(work.resolve("out dir.zarr/0/1/0/0")));
		final ImageJMacro.Run again = ImageJMacro.run(work, run + "\nprint('again');", null);
		assertTrue(again.output().contains("again"), again.output());
		assertTrue(again.output().contains("4 chunks were already written and were skipped"), again.output());
		assertTrue(again.output().contains("(0 chunks restored)"), again.output());
		// The inverse problems' keys: super-resolution by 2, one sample of 2 steps.
		final ImageJMacro.Run x2 = ImageJMacro.run(work, "run('Restore Volume (Diffusion)', 'input=[" + work
			.resolve("vol.zarr") + "] output=[" + work.resolve("x2.zarr") + "] task=super-resolve factor=2 " +
			"samples=1 steps=2 noise=none device=CPU model=ddpm-fluo');\nprint('x2');", null);
		assertTrue(x2.output().contains("x2"), x2.output());
		final sc.fiji.diffusion.volume.OmeZarr.Image big = sc.fiji.diffusion.volume.OmeZarr.open(work.resolve(
			"x2.zarr"), 0, s -> {});
		org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] { 2, 120, 140 }, big.array().shape());
		assertEquals(0.5, big.scale()[2], 1e-12);
	}
}
