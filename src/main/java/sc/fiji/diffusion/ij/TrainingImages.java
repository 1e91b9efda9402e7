package sc.fiji.diffusion.ij;

import ij.ImagePlus;
import ij.io.Opener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.Set;
import java.util.stream.Stream;

import sc.fiji.diffusion.engine.ImagePatches;
import sc.fiji.diffusion.engine.PatchSource;
import sc.fiji.diffusion.engine.SamplingListener;
import sc.fiji.diffusion.engine.SyntheticPatches;
import sc.fiji.diffusion.engine.WidePatches;
import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.Planes;

/**
 * Training data: the synthetic scenes, or the single-channel images of a folder read by ImageJ. What
 * cannot be trained on (other files, colour images, blank or incomplete planes, images smaller than
 * the patch) is left out and said so; only a folder with nothing usable is refused.
 */
public final class TrainingImages {

	/** What ImageJ would open as something else than an image: text, tables, ROIs, LUTs, macros. */
	private static final Set<Integer> NOT_IMAGES = Set.of(Opener.JAVA_OR_TEXT, Opener.TEXT, Opener.TABLE,
		Opener.ROI, Opener.LUT, Opener.OJJ);
	/** Names listed in a note, at most. */
	private static final int LISTED = 5;

	private TrainingImages() {}

	/**
	 * "synthetic", "synthetic-wide" (the wider world of {@link WidePatches}), "synthetic-mixed" (half of
	 * its patches the five kinds of "synthetic" instead), or a folder of images (its files, not its subfolders): each file is one image, a
	 * stack is normalized over all its planes, as restoration does.
	 *
	 * @param notes hears what is used and what is left out
	 * @param progress hears each file read (of all entries), and may stop the reading
	 */
	public static PatchSource source(final String spec, final Consumer<String> notes,
		final SamplingListener progress) throws IOException
	{
		return source(spec, new NoiseModel.Gaussian(0), notes, progress);
	}

	/**
	 * As {@link #source(String, Consumer, SamplingListener)}, with the noise of the folder's images:
	 * {@code auto} (estimated per image, said), none, Gaussian, or camera noise (each image then in
	 * the Anscombe domain, unit noise). A noisy image trains with Daras et al.'s objective (see
	 * {@link sc.fiji.diffusion.engine.NetworkDenoiser#loss(ai.djl.ndarray.NDArray,
	 * ai.djl.ndarray.NDArray, ai.djl.ndarray.NDArray, ai.djl.ndarray.NDArray)}), so that the prior does
	 * not learn its noise; an image whose noise cannot be estimated is left out, asking for the noise.
	 */
	public static PatchSource source(final String spec, final NoiseModel noise,
		final Consumer<String> notes, final SamplingListener progress) throws IOException
	{
		if (spec == null || spec.isBlank() || spec.equals("synthetic")) return new SyntheticPatches();
		if (spec.equals("synthetic-wide")) return new WidePatches();
		if (spec.equals("synthetic-mixed")) return new WidePatches(sc.fiji.diffusion.engine.data.SceneSettings
			.World.TRAIN, 0.5);
		final Path dir = Paths.get(spec).toAbsolutePath().normalize();
		if (!Files.isDirectory(dir)) {
			throw new IOException("Training data must be 'synthetic', 'synthetic-wide', 'synthetic-mixed' or a folder of " +
				"images; " + dir +
				" is not a folder.");
		}
		final List<Path> entries;
		try (Stream<Path> s = Files.list(dir)) {
			entries = s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
		}
		final List<String> folders = new ArrayList<>(), others = new ArrayList<>(), unread =
			new ArrayList<>(), colour = new ArrayList<>();
		final ImagePatches patches = new ImagePatches("images in " + dir);
		int files = 0, done = 0;
		for (final Path f : entries) {
			progress.stepDone(done++, entries.size());
			final String name = f.getFileName().toString();
			if (Files.isDirectory(f)) {
				folders.add(name);
				continue;
			}
			// Every format ImageJ (or Fiji's Bio-Formats) reads is tried, but text and tables, which
			// ImageJ would open as images of numbers.
			if (NOT_IMAGES.contains(new Opener().getFileType(f.toString()))) {
				others.add(name);
				continue;
			}
			// An unreadable file is a line in the Log, not an error dialog; a cut or too large TIFF is
			// one too, with what is wrong with it.
			final ImagePlus imp;
			try {
				imp = ImageJFiles.open(f);
			}
			catch (final IOException e) {
				if (e.getMessage().startsWith("ImageJ cannot read")) unread.add(name);
				else notes.accept("Left out: " + e.getMessage());
				continue;
			}
			if (imp.getNChannels() > 1 || imp.getBitDepth() == 24) {
				colour.add(name);
				continue;
			}
			// In calibrated units, as restoration reads the image; the file's own pixels are let go.
			@SuppressWarnings({ "rawtypes", "unchecked" })
			final Planes planes = Planes.of((net.imglib2.RandomAccessibleInterval) ImagePlusImgs.wrap(imp));
			imp.flush();
			final List<float[]> list = new ArrayList<>();
			for (int p = 0; p < planes.count(); p++) list.add(planes.plane(p));
			final NoiseModel resolved;
			try {
				resolved = noise.resolve(list, planes.width(), planes.height());
			}
			catch (final IllegalArgumentException e) {
				notes.accept("Left out " + name + ": its noise cannot be estimated (" + e.getMessage() +
					"); give the noise of the images explicitly.");
				continue;
			}
			final double sigma = resolved.domainSigma();
			if (sigma > 0) notes.accept(name + ": noise " + resolved + (noise instanceof NoiseModel.Auto
				? " (estimated)" : "") + ", trained as noisy data");
			if (patches.add(resolved.domain(list), planes.width(), planes.height(), name, notes, sigma) > 0) {
				files++;
			}
		}
		note(notes, "Subfolders are not searched", folders);
		note(notes, "Left out, not image files", others);
		note(notes, "Left out, ImageJ cannot read them", unread);
		note(notes, "Left out, several channels or RGB (split the channels first)", colour);
		if (patches.size() == 0) {
			throw new IOException("Nothing to train on in " + dir + ": it holds no single-channel image " +
				"with contrast (see the lines above for what was left out).");
		}
		notes.accept(String.format(Locale.ROOT, "Training on %d plane(s) of %d image file(s) in %s",
			patches.size(), files, dir));
		return patches;
	}

	private static void note(final Consumer<String> notes, final String what, final List<String> names) {
		if (!names.isEmpty()) notes.accept(what + ": " + ImagePatches.listed(names, LISTED) + ".");
	}

	/**
	 * Images smaller than the training patch are left out (and said so); none large enough is a
	 * message that says what to change.
	 */
	public static void requirePatch(final PatchSource data, final int patch,
		final Consumer<String> notes)
	{
		if (data instanceof ImagePatches ip) ip.requirePatch(patch, notes);
	}
}
