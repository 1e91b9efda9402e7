package sc.fiji.diffusion.volume;

import java.io.IOException;

/** An n-d array on disk read box by box as float, C order: a Zarr array or an HDF5 dataset. */
public interface VolumeArray {

	long[] shape();

	/** The array's own blocks (Zarr's or HDF5's chunks): the output is chunked alike. */
	int[] chunks();

	/** The saturation level of the stored type (its maximum for integers), NaN for float data. */
	double typeMax();

	/** The box {@code offset} to {@code offset + size}, inside the shape, as float in C order. */
	float[] read(long[] offset, int[] size) throws IOException;
}
