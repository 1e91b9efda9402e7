package sc.fiji.diffusion.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.io.TiffDecoder;
import ij.process.ShortProcessor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TIFFs made by ImageJ's own FileSaver, then cut or declared too large, are refused before reading. */
public class ImageJFilesTest {

	static Path sixteenBit(final Path dir, final int n, final int planes) {
		final ImageStack st = new ImageStack(n, n);
		for (int p = 0; p < planes; p++) {
			final ShortProcessor sp = new ShortProcessor(n, n);
			sp.setValue(1000 + p);
			sp.fill();
			st.addSlice(sp);
		}
		final Path f = dir.resolve(planes == 1 ? "image.tif" : "stack.tif");
		final FileSaver saver = new FileSaver(new ImagePlus("x", st));
		assertTrue(planes == 1 ? saver.saveAsTiff(f.toString()) : saver.saveAsTiffStack(f.toString()));
		return f;
	}

	/** Keeps the first {@code keep} bytes of a file. */
	static void cut(final Path f, final long keep) throws IOException {
		Files.write(f, Arrays.copyOf(Files.readAllBytes(f), (int) keep));
	}

	@Test
	void aSixteenBitTiffCutToHalfIsRefusedWithHowMuchIsMissing(@TempDir final Path dir)
		throws IOException
	{
		final Path f = sixteenBit(dir, 256, 1);
		final long full = Files.size(f);
		cut(f, full / 2);
		final IOException e = assertThrows(IOException.class, () -> ImageJFiles.open(f));
		assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("cut short") && e
			.getMessage().contains((full - full / 2) + " bytes") && e.getMessage().contains("256 x 256"), e
				.getMessage());
	}

	@Test
	void aStackMissingItsLastBytesIsRefused(@TempDir final Path dir) throws IOException {
		final Path f = sixteenBit(dir, 64, 3);
		// ImageJ writes metadata after a stack's pixels: cut in the middle of the third plane.
		final long offset = new TiffDecoder(dir + "/", "stack.tif").getTiffInfo()[0].getOffset();
		cut(f, offset + 5 * 64 * 64);
		final IOException e = assertThrows(IOException.class, () -> ImageJFiles.open(f));
		assertTrue(e.getMessage().contains("cut short") && e.getMessage().contains("3 image(s)"), e
			.getMessage());
	}

	@Test
	void anIntactTiffOpens(@TempDir final Path dir) throws IOException {
		final ImagePlus imp = ImageJFiles.open(sixteenBit(dir, 64, 3));
		assertEquals(3, imp.getStackSize());
		assertEquals(1002, imp.getStack().getProcessor(3).get(63, 63));
	}

	@Test
	void aHeaderDeclaringMoreThanJavaMayUseIsRefusedWithTheSizeAndTheXmx(@TempDir final Path dir)
		throws IOException
	{
		final Path f = sixteenBit(dir, 256, 1);
		// 256^2 pixels of 2 bytes and their 32-bit copy: 384 KiB, against 100 KB allowed.
		final IOException e = assertThrows(IOException.class, () -> ImageJFiles.check(f, 100_000));
		assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("393216 bytes") && e
			.getMessage().contains("-Xmx1g"), e.getMessage());
		ImageJFiles.check(f, 1 << 20);
	}

	/** A little-endian TIFF of one plane of {@code bits}-bit floating-point zeros, as ImageJ cannot write. */
	public static Path floatTiff(final Path f, final int w, final int h, final int bits) throws IOException {
		final int tags = 9, data = 8 + 2 + tags * 12 + 4, bytes = w * h * bits / 8;
		final ByteBuffer b = ByteBuffer.allocate(data + bytes).order(ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) tags);
		final int[][] entries = { { 256, w }, { 257, h }, { 258, bits }, { 259, 1 }, { 262, 1 }, { 273,
			data }, { 278, h }, { 279, bytes }, { 339, 3 } };
		for (final int[] t : entries) b.putShort((short) t[0]).putShort((short) 4).putInt(1).putInt(t[1]);
		b.putInt(0);
		Files.write(f, b.array());
		return f;
	}

	@Test
	void aSixtyFourBitTiffSaysToConvertTo32Bit(@TempDir final Path dir) throws IOException {
		final Path f = floatTiff(dir.resolve("double.tif"), 8, 8, 64);
		final IOException e = assertThrows(IOException.class, () -> ImageJFiles.open(f));
		assertTrue(e.getMessage().contains("64-bit") && e.getMessage().contains("convert it to 32-bit"),
			e.getMessage());
		// The same file in 32 bits is read.
		assertEquals(32, ImageJFiles.open(floatTiff(dir.resolve("float.tif"), 8, 8, 32)).getBitDepth());
	}

	@Test
	void aFolderIsNotAnImageFile(@TempDir final Path dir) {
		final IOException e = assertThrows(IOException.class, () -> ImageJFiles.open(dir));
		assertTrue(e.getMessage().contains("is a folder"), e.getMessage());
	}
}
