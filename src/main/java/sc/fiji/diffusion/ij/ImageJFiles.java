package sc.fiji.diffusion.ij;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.io.TiffDecoder;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import sc.fiji.diffusion.engine.PartialFiles;

/**
 * Image files through ImageJ 1.x. Reading checks a TIFF's header against the file before any
 * pixel is read: ImageJ reads the missing part of a cut file as zeros, and allocates what a header
 * declares, however large. Writing goes through {@link PartialFiles}.
 */
public final class ImageJFiles {

	private ImageJFiles() {}

	/**
	 * Opens an image file (a TIFF checked first, see {@link #check}).
	 *
	 * @throws IOException naming the file and what is wrong: not a file, cut short, too large for
	 *           Java's memory, 64-bit pixels, or a format ImageJ does not read
	 */
	public static ImagePlus open(final Path file) throws IOException {
		if (Files.isDirectory(file)) {
			throw new IOException(file + " is a folder, not an image file: give the path of a TIFF file.");
		}
		if (!Files.isRegularFile(file)) throw new IOException(file + " does not exist.");
		if (Files.size(file) == 0) {
			throw new IOException(file + " is empty (0 bytes): it was not written, or not copied whole; " +
				"copy it again from where it came from.");
		}
		check(file, Runtime.getRuntime().maxMemory());
		final ImagePlus imp;
		final boolean redirecting = IJ.redirectingErrorMessages();
		IJ.redirectErrorMessages(true);
		try {
			imp = new Opener().openImage(file.toString());
		}
		finally {
			IJ.redirectErrorMessages(redirecting);
		}
		if (imp == null || imp.getWidth() == 0 || imp.getHeight() == 0) {
			throw new IOException("ImageJ cannot read " + file + ": give an 8-, 16- or 32-bit TIFF image.");
		}
		return imp;
	}

	/**
	 * Refuses a TIFF whose pixel data end after the file does (the message says how many bytes are
	 * missing), one whose pixels and their 32-bit copy need more than {@code memory} bytes (the message
	 * says how much, and the -Xmx to give), and one of 64-bit pixels. Other files pass unchecked.
	 */
	static void check(final Path file, final long memory) throws IOException {
		if (new Opener().getFileType(file.toString()) != Opener.TIFF) return;
		final FileInfo[] infos;
		try {
			final Path dir = file.toAbsolutePath().getParent();
			infos = new TiffDecoder(dir + File.separator, file.getFileName().toString()).getTiffInfo();
		}
		catch (final IOException e) {
			if (String.valueOf(e.getMessage()).contains("BitsPerSample: 64")) {
				throw new IOException(file + " holds 64-bit pixels, which are not read: convert it to 32-bit " +
					"float (for example with Python: tifffile.imwrite(out, tifffile.imread(in).astype(" +
					"'float32'))).", e);
			}
			throw new IOException("ImageJ cannot read " + file + ": " + e.getMessage(), e);
		}
		if (infos == null || infos.length == 0) {
			throw new IOException("ImageJ cannot read " + file + ": it holds no TIFF image.");
		}
		final long length = Files.size(file);
		long end = 0, pixels = 0, bytes = 0;
		for (final FileInfo fi : infos) {
			end = Math.max(end, end(fi));
			pixels += (long) fi.width * fi.height * Math.max(1, fi.nImages);
			bytes += imageBytes(fi) * Math.max(1, fi.nImages);
		}
		final FileInfo first = infos[0];
		final String declared = first.width + " x " + first.height + " pixels x " + (infos.length > 1
			? infos.length : Math.max(1, first.nImages)) + " image(s), " + first.getBytesPerPixel() * 8 +
			"-bit";
		if (end > length) {
			throw new IOException(String.format(Locale.ROOT, "%s is cut short: its header declares %s, " +
				"whose pixel data end at byte %d, but the file holds %d bytes: %s (%.0f%% of the pixel " +
				"data) are missing. Copy the file again from where it came from.", file, declared, end,
				length, size(end - length), 100.0 * Math.min(1, (end - length) / (double) Math.max(1,
					bytes))));
		}
		if ((long) first.width * first.height > Integer.MAX_VALUE) {
			throw new IOException(file + " declares " + declared + ": a plane of more than 2^31 pixels, more " +
				"than ImageJ holds in any memory. Split it into tiles first.");
		}
		final long needed = bytes + 4 * pixels;
		if (needed > memory) {
			final long gigabytes = (long) Math.ceil(needed * 1.5 / (1L << 30));
			throw new IOException(String.format(Locale.ROOT, "%s declares %s: reading it and its 32-bit " +
				"copy takes %s of Java memory, more than the %s Java may use here. Give Java more memory " +
				"(java -Xmx%dg -jar ...; in Fiji: Edit > Options > Memory & Threads, %d MB), or crop the " +
				"image.", file, declared, size(needed), size(memory), gigabytes, gigabytes * 1024));
		}
	}

	/** Where the last byte of an image's pixel data lies, as ImageJ reads them. */
	private static long end(final FileInfo fi) {
		if (fi.compression > FileInfo.COMPRESSION_NONE && fi.stripOffsets != null &&
			fi.stripLengths != null)
		{
			long end = 0;
			for (int i = 0; i < Math.min(fi.stripOffsets.length, fi.stripLengths.length); i++) {
				end = Math.max(end, Integer.toUnsignedLong(fi.stripOffsets[i]) + Integer.toUnsignedLong(
					fi.stripLengths[i]));
			}
			return end;
		}
		final long n = Math.max(1, fi.nImages);
		return fi.getOffset() + n * imageBytes(fi) + (n - 1) * Integer.toUnsignedLong(fi.gapBetweenImages);
	}

	/** The bytes of one uncompressed plane. */
	private static long imageBytes(final FileInfo fi) {
		if (fi.fileType == FileInfo.BITMAP) return (fi.width + 7L) / 8 * fi.height;
		if (fi.fileType == FileInfo.GRAY12_UNSIGNED) return ((long) fi.width * fi.height * 3 + 1) / 2;
		return (long) fi.width * fi.height * fi.getBytesPerPixel();
	}

	private static String size(final long bytes) {
		if (bytes < 1 << 20) return bytes + " bytes";
		if (bytes < 1L << 30) return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1 << 20));
		return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
	}

	/** Any image as TIFF (hyperstack layout and calibration kept), via a temporary name. */
	public static void saveTiff(final ImagePlus imp, final Path file) throws IOException {
		PartialFiles.write(file, tmp -> {
			final FileSaver saver = new FileSaver(imp);
			if (!(imp.getStackSize() > 1 ? saver.saveAsTiffStack(tmp.toString()) : saver.saveAsTiff(tmp
				.toString()))) throw notSaved(imp, tmp);
		});
	}

	/** An image as PNG, via a temporary name. */
	public static void savePng(final ImagePlus imp, final Path file) throws IOException {
		PartialFiles.write(file, tmp -> {
			if (!new FileSaver(imp).saveAsPng(tmp.toString())) throw notSaved(imp, tmp);
		});
	}

	/**
	 * Why ImageJ did not save an image into tmp: ImageJ says it on the console only, so a disk too
	 * full for the image is told here.
	 */
	private static IOException notSaved(final ImagePlus imp, final Path tmp) {
		try {
			final long free = Files.getFileStore(tmp.toAbsolutePath().getParent()).getUsableSpace();
			if (free < imp.getSizeInBytes()) {
				return new IOException("no space left on its disk (" + size(free) + " free, the image takes " +
					size((long) imp.getSizeInBytes()) + ")");
			}
		}
		catch (final IOException e) {
			// no answer: ImageJ's own message has to do
		}
		return new IOException("ImageJ could not save the image (its message above says why)");
	}
}
