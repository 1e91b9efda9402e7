package sc.fiji.diffusion.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.view.Views;

import org.junit.jupiter.api.Test;

/** Planes read from a stack of plane views equal those read pixel by pixel from one array. */
class PlanesTest {

	@Test
	void aStackOfPlaneViewsReadsAsTheSameArray() {
		final int w = 7, h = 5, c = 3, z = 4;
		final short[] all = new short[w * h * c * z];
		for (int i = 0; i < all.length; i++) all[i] = (short) (i * 37 % 60000);
		final ArrayImg<UnsignedShortType, ShortArray> flat = ArrayImgs.unsignedShorts(all, w, h, c, z);
		// The same voxels as ImageJ stacks are wrapped: planes, stacked into channels, then slices.
		final List<RandomAccessibleInterval<UnsignedShortType>> slices = new ArrayList<>();
		for (int k = 0; k < z; k++) {
			final List<RandomAccessibleInterval<UnsignedShortType>> channels = new ArrayList<>();
			for (int ch = 0; ch < c; ch++) {
				final short[] p = new short[w * h];
				System.arraycopy(all, (k * c + ch) * w * h, p, 0, w * h);
				channels.add(ArrayImgs.unsignedShorts(p, w, h));
			}
			slices.add(Views.stack(channels));
		}
		final Planes a = Planes.of(Views.stack(slices)), b = Planes.of(flat);
		assertEquals(c * z, a.count());
		for (int p = 0; p < a.count(); p++) assertArrayEquals(b.plane(p), a.plane(p), "plane " + p);
		assertEquals(65535, a.typeMax());
		// A view that is not a stack of planes (here, one with its axes swapped) reads through the view.
		final Planes swapped = Planes.of(Views.permute(Views.stack(slices), 2, 3));
		assertArrayEquals(b.plane(1), swapped.plane(z), "channel 1 of slice 0");
	}
}
