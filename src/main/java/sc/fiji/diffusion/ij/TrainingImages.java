package sc.fiji.diffusion.ij;

import ij.ImagePlus;
import ij.io.Opener;
import ij.process.ImageProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

import sc.fiji.diffusion.engine.ImagePatches;
import sc.fiji.diffusion.engine.PatchSource;
import sc.fiji.diffusion.engine.SyntheticPatches;

/** Training data: the synthetic scenes, or a folder of images read by ImageJ. */
public final class TrainingImages {

	private TrainingImages() {}

	/** "synthetic", or a folder of 2-D images (each slice of a stack counts as one image). */
	public static PatchSource source(final String spec) throws IOException {
		if (spec == null || spec.isBlank() || spec.equals("synthetic")) return new SyntheticPatches();
		final Path dir = Paths.get(spec);
		if (!Files.isDirectory(dir)) {
			throw new IOException("Training data must be 'synthetic' or a folder of images; " + dir +
				" is not a folder.");
		}
		final ImagePatches patches = new ImagePatches("images in " + dir);
		final List<Path> files;
		try (Stream<Path> s = Files.list(dir)) {
			files = s.filter(Files::isRegularFile).sorted().toList();
		}
		for (final Path f : files) {
			final ImagePlus imp = new Opener().openImage(f.toString());
			if (imp == null) continue;
			if (imp.getNChannels() > 1 || imp.getBitDepth() == 24) {
				throw new IOException(f + " has several channels: training takes single-channel images.");
			}
			for (int z = 1; z <= imp.getStackSize(); z++) {
				final ImageProcessor ip = imp.getStack().getProcessor(z).convertToFloatProcessor();
				patches.add((float[]) ip.getPixels(), ip.getWidth(), ip.getHeight(), f.getFileName() + " slice " +
					z);
			}
		}
		if (patches.size() == 0) throw new IOException("No readable images in " + dir + ".");
		return patches;
	}

	/** Images smaller than the training patch: a message that says what to change. */
	public static void requireAtLeast(final PatchSource data, final int patch) {
		if (data instanceof ImagePatches ip && ip.smallestSide() < patch) {
			throw new IllegalArgumentException("Training images must be at least " + patch + " x " + patch +
				" pixels; the smallest is " + ip.smallestSide() + ". Use a patch of " + Integer.highestOneBit(
					Math.max(1, ip.smallestSide())) + " or larger images.");
		}
	}
}
