package sc.fiji.diffusion.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.scijava.command.Command;
import org.scijava.command.CommandModule;

import sc.fiji.diffusion.ij.BadImages;
import sc.fiji.diffusion.model.TinyModels;

/**
 * The command line's bad-input matrix ({@code cli.BadInputMatrixTest}) where it applies to the
 * restoration commands: each stops with its message (in the Log, and a dialog where ImageJ has a
 * window), gives no image and leaves the input image as it was. The tiny model, two steps.
 */
class BadInputCommandsTest {

	/** Mask files and models; {@code @name} in a case's values is a path in it. */
	@TempDir
	static Path files;

	/**
	 * A command on an image (null: none) with key-value inputs, and a fragment of the message it
	 * stops with.
	 */
	record Case(String name, Class<? extends Command> command, Supplier<ImageProcessor> image,
		String fragment, Object... keyValues)
	{

		@Override
		public String toString() {
			return name;
		}
	}

	static Stream<Case> cases() {
		final Supplier<ImageProcessor> good = () -> BadImages.noisy(BadImages.N, BadImages.N, 7);
		return Stream.of( //
			new Case("no image", DenoiseCommand.class, null, "open an image first"), //
			new Case("RGB", DenoiseCommand.class, BadImages::rgb, "is an RGB image"), //
			new Case("all NaN", DenoiseCommand.class, () -> BadImages.filled(Float.NaN),
				"(all NaN or infinite)"), //
			new Case("all infinite", InpaintCommand.class, () -> BadImages.filled(Float.POSITIVE_INFINITY),
				"Every pixel is missing"), //
			new Case("constant", DenoiseCommand.class, () -> BadImages.filled(100), "constant"), //
			new Case("tiny 8 x 8", DenoiseCommand.class, () -> BadImages.noisy(8, 8, 2),
				"at least 16 x 16"), //
			new Case("sliver 64 x 2", SuperResolutionCommand.class, () -> BadImages.noisy(64, 2, 3),
				"64 x 2 pixels"), //
			new Case("no usable neighbourhood: the advice in macro syntax", DenoiseCommand.class,
				BadImages::grid, "(noise=gaussian:SIGMA)"), //
			new Case("NaN to super-resolve", SuperResolutionCommand.class, BadImages::holes,
				"inpaint them first"), //
			new Case("mask of another size", InpaintCommand.class, good, "mask of the image's size",
				"mask", "@mask16.tif"), //
			new Case("mask with NaN", InpaintCommand.class, good, "The mask has 3 NaN pixels", "mask",
				"@masknan.tif"), //
			new Case("mask covering everything", InpaintCommand.class, good, "covers every pixel", "mask",
				"@maskfull.tif"), //
			new Case("empty mask", InpaintCommand.class, good, "Nothing to inpaint", "mask",
				"@maskempty.tif"), //
			new Case("zero-byte mask", InpaintCommand.class, good, "is empty (0 bytes)", "mask",
				"@zero.tif"), //
			new Case("text named .tif as mask", InpaintCommand.class, good, "ImageJ cannot read", "mask",
				"@text.tif"), //
			new Case("no such mask", InpaintCommand.class, good, "No mask image titled", "mask",
				"@absent.tif"), //
			new Case("negative noise", DenoiseCommand.class, good, "must be zero or positive", "noise",
				"gaussian:-1"), //
			new Case("a sampler inpainting cannot run", InpaintCommand.class, good,
				"use sampler=ddpm or sampler=ddim:ETA", "sampler", "langevin", "mask", "@mask32.tif"), //
			new Case("uncertainty of one sample", DenoiseCommand.class, good, "set samples=2 or more",
				"samples", 1, "uncertainty", true), //
			new Case("too many steps", DenoiseCommand.class, good, "at most 1000", "steps", 1001), //
			new Case("tile below the patch", DenoiseCommand.class, good, "(tile=16)", "tile", 8), //
			new Case("factor 3", SuperResolutionCommand.class, good, "2 or 4", "factor", 3), //
			new Case("model not installed", DenoiseCommand.class, good, "No model 'no-such-model'",
				"model", "no-such-model"), //
			new Case("corrupted weights", DenoiseCommand.class, good, "corrupted", "model", "@corrupted"), //
			new Case("weights of another network", DenoiseCommand.class, good,
				"in the network the card describes", "model", "@mismatched"), //
			new Case("model card not JSON", DenoiseCommand.class, good, "is not valid JSON", "model",
				"@badcard"), //
			new Case("model without weights", DenoiseCommand.class, good, "has no weights.bin", "model",
				"@noweights"), //
			new Case("no GPU", DenoiseCommand.class, good, "use device=cpu", "device", "GPU"), //
			new Case("half precision on the CPU", DenoiseCommand.class, good,
				"Use precision=auto or precision=float", "precision", "Half"));
	}

	@BeforeAll
	static void start() throws IOException {
		CommandsTest.start();
		TinyModels.saveWithBrokenCopies(files);
		for (final Object[] m : new Object[][] { { "mask16.tif", BadImages.rectangle(16) }, {
			"mask32.tif", BadImages.rectangle(BadImages.N) }, { "masknan.tif", BadImages.nanMask() }, {
				"maskfull.tif", BadImages.fullMask() }, { "maskempty.tif", new ByteProcessor(BadImages.N,
					BadImages.N) } })
		{
			assertTrue(new FileSaver(new ImagePlus((String) m[0], (ImageProcessor) m[1])).saveAsTiff(files
				.resolve((String) m[0]).toString()));
		}
		Files.write(files.resolve("zero.tif"), new byte[0]);
		Files.writeString(files.resolve("text.tif"), "These are my notes, not an image.\n");
	}

	@AfterAll
	static void stop() {
		CommandsTest.stop();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void eachCaseStopsWithItsMessageAndChangesNoImage(final Case c) throws Exception {
		final List<Object> in = new ArrayList<>(List.of("model", "@tiny", "steps", 2));
		in.addAll(List.of(c.keyValues()));
		final ImagePlus imp = c.image() == null ? null : new ImagePlus("input", c.image().get());
		final Object before = imp == null ? null : imp.getProcessor().duplicate().getPixels();
		if (imp != null) in.addAll(List.of("image", imp));
		for (int i = 1; i < in.size(); i += 2) {
			if (in.get(i) instanceof String s && s.startsWith("@")) in.set(i, files.resolve(s.substring(1))
				.toString());
		}
		final CommandModule m = CommandsTest.run(c.command(), in.toArray());
		final String reason = CommandsTest.reason(m);
		assertTrue(reason.contains(c.fragment()), reason);
		assertFalse(reason.contains("--"), "advice in the command line's syntax: " + reason);
		assertNull(m.getOutput("restored"), "an image was given");
		if (imp != null) {
			assertEquals("input", imp.getTitle());
			assertEquals(1, imp.getStackSize());
			final Object after = imp.getProcessor().getPixels();
			if (after instanceof float[] f) assertArrayEquals((float[]) before, f);
			else assertArrayEquals((int[]) before, (int[]) after);
		}
	}
}
