package sc.fiji.diffusion.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.diffusion.engine.ImagePatches;
import sc.fiji.diffusion.engine.ModelRange;
import sc.fiji.diffusion.engine.PatchSource;
import sc.fiji.diffusion.engine.SamplingListener;
import sc.fiji.diffusion.engine.WidePatches;

/** A biologist's folder as training data: what is used, how it is scaled, what is left out. */
class TrainingImagesTest {

	/** A 16-bit ramp with some texture, values from 100 to about 100 + range. */
	private static short[] ramp(final int n, final double range, final long seed) {
		final SplittableRandom r = new SplittableRandom(seed);
		final short[] p = new short[n * n];
		for (int i = 0; i < p.length; i++) p[i] = (short) (100 + range * (i % n + i / n) / (2.0 * n) + r
			.nextInt(5));
		return p;
	}

	private static void save(final Path file, final ImageStack stack) {
		final ImagePlus imp = new ImagePlus(file.getFileName().toString(), stack);
		assertTrue(stack.size() > 1 ? new FileSaver(imp).saveAsTiffStack(file.toString()) : new FileSaver(
			imp).saveAsTiff(file.toString()));
	}

	private static ImageStack planes(final int n, final Object... pixels) {
		final ImageStack s = new ImageStack(n, n);
		for (final Object p : pixels) {
			s.addSlice(p instanceof short[] sh ? new ShortProcessor(n, n, sh, null) : p instanceof float[] f
				? new FloatProcessor(n, n, f) : new ColorProcessor(n, n, (int[]) p));
		}
		return s;
	}

	/** The largest value of each whole-plane patch (patch = image size: only flips), over many draws. */
	private static List<Float> patchMaxima(final PatchSource data, final int size, final int draws) {
		final SplittableRandom r = new SplittableRandom(1);
		final List<Float> out = new ArrayList<>();
		for (int i = 0; i < draws; i++) {
			float max = Float.NEGATIVE_INFINITY;
			for (final float v : data.patch(r, size)) max = Math.max(max, v);
			out.add(max);
		}
		return out;
	}

	@Test
	void syntheticWideNamesTheWideWorld() throws IOException {
		final PatchSource wide = TrainingImages.source("synthetic-wide", s -> {}, (d, t) -> {});
		assertTrue(wide instanceof WidePatches, wide.toString());
		final IOException e = assertThrows(IOException.class, () -> TrainingImages.source("synthetic-" +
			"narrow", s -> {}, (d, t) -> {}));
		assertTrue(e.getMessage().contains("'synthetic-wide'"), e.getMessage());
	}

	@Test
	void aStackIsScaledOverAllItsPlanesAsRestorationScalesIt(@TempDir final Path dir)
		throws IOException
	{
		// A bleaching time-lapse: the second frame at 30% of the first's brightness.
		final int n = 32;
		final short[] bright = ramp(n, 1000, 1), dim = bright.clone();
		for (int i = 0; i < dim.length; i++) dim[i] = (short) (100 + 0.3 * (bright[i] - 100));
		save(dir.resolve("timelapse.tif"), planes(n, bright, dim));
		final PatchSource data = TrainingImages.source(dir.toString(), s -> {}, SamplingListener.NONE);
		final List<Float> maxima = patchMaxima(data, n, 40);
		// Scaled per plane, the dim frame's brightest pixel would be near 1 like the bright one's.
		assertTrue(maxima.stream().anyMatch(m -> m < -0.2), "the dim frame reaches " + maxima.stream()
			.mapToDouble(m -> m).min().getAsDouble());
		assertTrue(maxima.stream().anyMatch(m -> m > 0.9), "the bright frame");
	}

	@Test
	void whatCannotBeTrainedOnIsLeftOutAndSaidSo(@TempDir final Path dir) throws IOException {
		final int n = 32;
		save(dir.resolve("good.tif"), planes(n, ramp(n, 1000, 2)));
		save(dir.resolve("with blank frame.tif"), planes(n, ramp(n, 1000, 3), new short[n * n]));
		final float[] holes = new float[n * n];
		for (int i = 0; i < holes.length; i++) holes[i] = i == 40 ? Float.NaN : i % 7;
		save(dir.resolve("holes.tif"), planes(n, holes));
		save(dir.resolve("rgb.tif"), planes(n, new int[n * n]));
		final ImageStack small = new ImageStack(10, 10);
		small.addSlice(new ShortProcessor(10, 10, ramp(10, 500, 4), null));
		save(dir.resolve("thumbnail.tif"), small);
		Files.writeString(dir.resolve("readme.txt"), "1\t2\t3\n4\t5\t6\n");
		Files.writeString(dir.resolve(".DS_Store"), "junk");
		Files.writeString(dir.resolve("._good.tif"), "junk");
		Files.createDirectory(dir.resolve("raw"));
		// A TIFF header whose first directory lies beyond the end of the file.
		Files.write(dir.resolve("broken.tif"), new byte[] { 0x49, 0x49, 0x2A, 0, 0x10, 0x27, 0, 0 });
		final List<String> notes = new ArrayList<>();
		final PatchSource data = TrainingImages.source(dir.toString(), notes::add, SamplingListener.NONE);
		final String all = String.join("\n", notes);
		assertTrue(all.contains("not image files: readme.txt."), all);
		assertTrue(all.contains("Subfolders are not searched: raw."), all);
		assertTrue(all.contains("RGB (split the channels first): rgb.tif."), all);
		assertTrue(all.contains("with blank frame.tif: left out blank plane 2 of 2."), all);
		assertTrue(all.contains("holes.tif: left out the image with missing (NaN)"), all);
		assertTrue(all.contains("ImageJ cannot read them: broken.tif."), all);
		assertTrue(!all.contains("DS_Store") && !all.contains("._good"), "hidden files are not images: " +
			all);
		assertTrue(all.contains("Training on 3 plane(s) of 3 image file(s)"), all);
		notes.clear();
		TrainingImages.requirePatch(data, 16, notes::add);
		assertEquals(List.of("Left out, smaller than the 16 x 16 patch: thumbnail.tif (10 x 10)."), notes);
		// Every patch comes from an image that holds it.
		final SplittableRandom r = new SplittableRandom(3);
		for (int i = 0; i < 200; i++) assertEquals(256, data.patch(r, 16).length);
	}

	@Test
	void noImageLargeEnoughOrNothingUsableSaysWhatToChange(@TempDir final Path dir)
		throws IOException
	{
		Files.writeString(dir.resolve("notes.txt"), "x");
		final IOException none = assertThrows(IOException.class, () -> TrainingImages.source(dir
			.toString(), s -> {}, SamplingListener.NONE));
		assertTrue(none.getMessage().contains("Nothing to train on"), none.getMessage());
		final ImageStack small = new ImageStack(40, 40);
		small.addSlice(new ShortProcessor(40, 40, ramp(40, 500, 5), null));
		save(dir.resolve("small.tif"), small);
		final PatchSource data = TrainingImages.source(dir.toString(), s -> {}, SamplingListener.NONE);
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> TrainingImages.requirePatch(data, 64, s -> {}));
		assertTrue(e.getMessage().contains("Use a patch of 32 or larger images."), e.getMessage());
	}

	@Test
	void sparseImagesAreTrainedOnAndHotPixelsClipped() {
		// Six beads on an empty 64 x 64 field: fewer than 0.2% of the pixels, so both percentiles are 0.
		final int n = 64;
		final float[] beads = new float[n * n];
		for (int k = 0; k < 6; k++) beads[k * 650 + 7] = 800;
		final ImagePatches sparse = new ImagePatches("beads");
		assertEquals(1, sparse.add(List.of(beads), n, n, "beads.tif", s -> {
			throw new AssertionError(s);
		}));
		for (final float m : patchMaxima(sparse, n, 3)) assertEquals(1, m, 1e-6);
		final float[] hot = new float[n * n];
		for (int i = 0; i < hot.length; i++) hot[i] = i % n;
		hot[5 * n + 20] = 1e7f;
		final ImagePatches clipped = new ImagePatches("hot");
		clipped.add(List.of(hot), n, n, "hot.tif", s -> {});
		for (final float m : patchMaxima(clipped, n, 3)) assertEquals(ModelRange.CEILING, m, 1e-6);
	}

	@Test
	void blankPlanesCountInTheScaleAsRestorationCountsThem() {
		// Frame 2 is blank (0): restoration's 1st percentile over the stack is 0, not the ramp's 100.
		final int n = 32;
		final float[] ramp = new float[n * n];
		for (int i = 0; i < ramp.length; i++) ramp[i] = 100 + i % 1000;
		final ImagePatches data = new ImagePatches("stack");
		final List<String> notes = new ArrayList<>();
		assertEquals(1, data.add(new ArrayList<>(List.of(ramp, new float[n * n])), n, n, "stack.tif",
			notes::add));
		assertEquals(List.of("stack.tif: left out blank plane 2 of 2."), notes);
		float min = Float.POSITIVE_INFINITY;
		for (final float v : data.patch(new SplittableRandom(2), n)) min = Math.min(min, v);
		assertEquals(-1 + 2 * 100 / (1099 - 0.0), min, 0.02);
	}

	@Test
	void aStackSmallerThanThePatchIsRefusedBeforeTraining() {
		final ImagePatches data = new ImagePatches("small stack");
		final float[][] planes = new float[3][32 * 32];
		for (final float[] p : planes) for (int i = 0; i < p.length; i++) p[i] = i;
		data.add(List.of(planes), 32, 32, "stack.tif", s -> {});
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data
			.requirePatch(64, s -> {}));
		assertTrue(e.getMessage().contains("Use a patch of 32"), e.getMessage());
	}

	@Test
	void cropsAreDrawnInProportionToTheirNumber() {
		// A 16 x 16 checkerboard offers one 16 x 16 crop, a 64 x 64 ramp 49 x 49: the checkerboard's
		// share is 1 in 2402, not one half.
		final float[] board = new float[16 * 16], ramp = new float[64 * 64];
		for (int i = 0; i < board.length; i++) board[i] = (i % 16 + i / 16) % 2;
		for (int i = 0; i < ramp.length; i++) ramp[i] = i % 64 + i / 64;
		final ImagePatches data = new ImagePatches("two");
		data.add(List.of(board), 16, 16, "board", s -> {});
		data.add(List.of(ramp), 64, 64, "ramp", s -> {});
		final SplittableRandom r = new SplittableRandom(9);
		int fromBoard = 0;
		for (int i = 0; i < 2000; i++) {
			boolean allExtreme = true;
			for (final float v : data.patch(r, 16)) allExtreme &= Math.abs(Math.abs(v) - 1) < 1e-6;
			if (allExtreme) fromBoard++;
		}
		assertTrue(fromBoard < 20, fromBoard + " of 2000 patches from the image with one crop");
	}

	@Test
	void aCutTiffIsLeftOutWithWhatIsMissingNotTrainedOnAsZeros(@TempDir final Path dir)
		throws IOException
	{
		save(dir.resolve("good.tif"), planes(64, ramp(64, 800, 1)));
		final Path cut = ImageJFilesTest.sixteenBit(dir, 64, 1);
		ImageJFilesTest.cut(cut, Files.size(cut) / 2);
		final List<String> notes = new ArrayList<>();
		TrainingImages.source(dir.toString(), notes::add, SamplingListener.NONE);
		final String all = String.join("\n", notes);
		assertTrue(all.contains("Left out: " + cut + " is cut short"), all);
		assertTrue(all.contains("Training on 1 plane(s) of 1 image file(s)"), all);
	}

	/**
	 * A folder of noisy acquisitions: each image's noise goes with its patches in model units (given
	 * or estimated, said), noisy patches are not clipped to the clean range, and an image whose noise
	 * cannot be estimated is left out, asking for it.
	 */
	@Test
	void noisyImagesCarryTheirNoiseIntoTraining(@TempDir final Path dir) throws IOException {
		final int n = 64;
		final float[] img = new float[n * n];
		final java.util.SplittableRandom r = new java.util.SplittableRandom(5);
		final float[] scene = sc.fiji.diffusion.engine.data.SyntheticScenes.scene(sc.fiji.diffusion.engine
			.data.SyntheticScenes.Kind.NUCLEI, n, n, 5);
		for (int i = 0; i < img.length; i++) img[i] = (float) (1000 * scene[i] + 100 + 50 * r.nextGaussian());
		save(dir.resolve("noisy.tif"), planes(n, img));
		final PatchSource given = TrainingImages.source(dir.toString(), new sc.fiji.diffusion.restore
			.NoiseModel.Gaussian(50), s -> {}, SamplingListener.NONE);
		final double[] range = sc.fiji.diffusion.engine.ModelRange.of(List.of(img));
		assertEquals(50 * 2 / (range[1] - range[0]), given.lowestNoise(), 1e-6);
		final PatchSource.Noisy p = given.noisyPatch(new java.util.SplittableRandom(1), 32);
		assertEquals(given.lowestNoise(), p.sigma(), 1e-6);
		final List<String> notes = new ArrayList<>();
		final PatchSource auto = TrainingImages.source(dir.toString(), new sc.fiji.diffusion.restore
			.NoiseModel.Auto(), notes::add, SamplingListener.NONE);
		assertTrue(String.join("\n", notes).contains("noisy.tif: noise gaussian:"), notes.toString());
		assertEquals(given.lowestNoise(), auto.lowestNoise(), 0.15 * given.lowestNoise(), notes.toString());
		// Clean data (the default of the old entry point) carry no level.
		assertEquals(0, TrainingImages.source(dir.toString(), s -> {}, SamplingListener.NONE).lowestNoise());
	}
}
