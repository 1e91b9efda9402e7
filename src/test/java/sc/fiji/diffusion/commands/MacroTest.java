package sc.fiji.diffusion.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

	@Test
	void withoutAnImageTheMacroStopsWithAMessage() throws Exception {
		final ImageJMacro.Run r = ImageJMacro.run(work, String.join("\n", //
			"run('Super-Resolution (Diffusion)', 'factor=2 device=CPU');", //
			"print('still running');"), null);
		assertTrue(r.output().contains("No image: open an image first"), r.output());
		assertTrue(!r.output().contains("still running"), r.output());
	}
}
