package sc.fiji.diffusion.volume;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.filter.PipelineFilterWithData;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One HDF5 dataset (chunked or contiguous) read box by box through jHDF (pure Java; its filters:
 * deflate, shuffle, lzf, lz4, ...). HDF5 has no standard for axes and pixel sizes, so they are
 * given ({@link #open}), or taken by rank. A filter jHDF lacks (Blosc 32001, Zstd 32015, ...) is
 * named by its id before any work.
 */
public final class Hdf5Array implements VolumeArray, AutoCloseable {

	/** HDF5 filters jHDF 0.13 decodes: deflate, shuffle, fletcher32, lzf, bitshuffle, lz4 (not scale-offset, 6). */
	static final Set<Integer> READ_FILTERS = Set.of(1, 2, 3, 32000, 32008, 32004);

	private final HdfFile file;
	private final Dataset dataset;
	private final long[] shape;
	private final int[] chunks;
	private final double typeMax;

	private Hdf5Array(final HdfFile file, final Dataset dataset, final long[] shape, final int[] chunks,
		final double typeMax)
	{
		this.file = file;
		this.dataset = dataset;
		this.shape = shape;
		this.chunks = chunks;
		this.typeMax = typeMax;
	}

	/**
	 * Opens {@code FILE.h5[:DATASET]} as an image (the only dataset of the file when none is named).
	 *
	 * @param axes the axes' names in C order (e.g. {@code zyx}), or null: by rank (yx, zyx, czyx, tczyx)
	 * @param scale pixel size per axis, or null: 1
	 */
	public static OmeZarr.Image open(final String spec, final String axes, final double[] scale,
		final Consumer<String> log) throws IOException
	{
		final Path path = VolumeRestore.file(spec);
		final String name = VolumeRestore.dataset(spec);
		if (!Files.isRegularFile(path)) throw new IOException("The HDF5 file " + path + " does not exist.");
		final HdfFile file;
		try {
			file = new HdfFile(path);
		}
		catch (final RuntimeException e) {
			throw new IOException(path + " is not an HDF5 file jHDF can read: " + e.getMessage(), e);
		}
		try {
			final Dataset ds = dataset(file, name, path);
			final Hdf5Array a = of(file, ds, path, log);
			final int rank = a.shape.length;
			final List<OmeZarr.Axis> ax = new ArrayList<>();
			if (axes == null) ax.addAll(OmeZarr.defaultAxes(rank));
			else {
				if (axes.length() != rank) {
					throw new IOException("--axes " + axes + " names " + axes.length() + " axes; the dataset " + ds
						.getPath() + " of " + path + " has " + rank + " (shape " + Arrays.toString(a.shape) + ").");
				}
				for (final char c : axes.toCharArray()) {
					final String n = String.valueOf(c);
					ax.add(new OmeZarr.Axis(n, switch (n) {
						case "t" -> "time";
						case "c" -> "channel";
						case "z", "y", "x" -> "space";
						default -> throw new IOException("--axes " + axes + ": axis '" + n + "' is none of t, c, z, " +
							"y, x.");
					}, null));
				}
			}
			final double[] s = new double[rank];
			Arrays.fill(s, 1);
			if (scale != null) {
				if (scale.length != rank) {
					throw new IOException("--scale gives " + scale.length + " values for " + rank + " axes.");
				}
				System.arraycopy(scale, 0, s, 0, rank);
			}
			if (axes == null) log.accept(ds.getPath() + " of " + path + ": axes taken as " + OmeZarr.names(ax) +
				" (give --axes), pixel size " + Arrays.toString(s) + (scale == null ? " (give --scale)" : ""));
			return new OmeZarr.Image(a, ax, s, ds.getPath());
		}
		catch (final IOException | RuntimeException e) {
			file.close();
			throw e;
		}
	}

	private static Dataset dataset(final HdfFile file, final String name, final Path path)
		throws IOException
	{
		if (name != null) {
			final Node n;
			try {
				n = file.getByPath(name);
			}
			catch (final RuntimeException e) {
				throw new IOException("The HDF5 file " + path + " holds no dataset " + name + "; it holds " +
					datasets(file) + ".", e);
			}
			if (!(n instanceof Dataset d)) throw new IOException(name + " in " + path + " is a group, not a " +
				"dataset; it holds " + datasets(file) + ".");
			return d;
		}
		final List<String> all = datasets(file);
		if (all.size() != 1) {
			throw new IOException(path + " holds " + (all.isEmpty() ? "no dataset" : all.size() +
				" datasets " + all) + ": name one as " + path + ":/PATH.");
		}
		return (Dataset) file.getByPath(all.get(0));
	}

	private static List<String> datasets(final Group g) {
		final List<String> out = new ArrayList<>();
		for (final Node n : g.getChildren().values()) {
			if (n instanceof Dataset d) out.add(d.getPath());
			else if (n instanceof Group sub) out.addAll(datasets(sub));
		}
		return out;
	}

	private static Hdf5Array of(final HdfFile file, final Dataset ds, final Path path,
		final Consumer<String> log) throws IOException
	{
		final List<PipelineFilterWithData> filters;
		try {
			filters = ds.getFilters();
		}
		catch (final RuntimeException e) {
			// jHDF refuses a filter it has no decoder for as it reads the pipeline.
			throw new IOException(ds.getPath() + " of " + path + " is compressed with an HDF5 filter jHDF " +
				"cannot decode (" + e.getMessage() + "): rewrite it with gzip (deflate) or lz4, or convert it to " +
				"Zarr.", e);
		}
		for (final PipelineFilterWithData f : filters) {
			if (!READ_FILTERS.contains(f.getId())) {
				throw new IOException(ds.getPath() + " of " + path + " is compressed with HDF5 filter " + f
					.getId() + " (" + f.getName() + "), which jHDF cannot decode: rewrite it with gzip (deflate) " +
					"or lz4, or convert it to Zarr.");
			}
		}
		final long[] shape = ds.getDimensionsAsLong();
		if (shape.length < 2) throw new IOException(ds.getPath() + " of " + path + " has " + shape.length +
			" dimensions; an image has at least 2.");
		final double max;
		if (ds.getDataType() instanceof FixedPoint fp) {
			final int bits = fp.getSize() * 8;
			if (bits > 32) throw new IOException(ds.getPath() + " holds " + bits + "-bit integers: convert it " +
				"to 8-, 16- or 32-bit.");
			max = fp.isSigned() ? Math.pow(2, bits - 1) - 1 : Math.pow(2, bits) - 1;
			if (bits == 32) log.accept(ds.getPath() + " holds 32-bit integers: read as float32 (exact up to " +
				"2^24).");
		}
		else if (ds.getDataType() instanceof FloatingPoint f) {
			max = Double.NaN;
			if (f.getSize() == 8) log.accept(ds.getPath() + " holds float64: read as float32.");
		}
		else throw new IOException(ds.getPath() + " of " + path + " holds " + ds.getJavaType()
			.getSimpleName() + " values, not numbers an image holds.");
		final int[] chunks;
		if (ds instanceof ChunkedDataset c) chunks = c.getChunkDimensions().clone();
		else {
			// Contiguous: blocks of whole planes' tiles.
			chunks = new int[shape.length];
			Arrays.fill(chunks, 1);
			chunks[shape.length - 2] = (int) Math.min(256, shape[shape.length - 2]);
			chunks[shape.length - 1] = (int) Math.min(256, shape[shape.length - 1]);
		}
		return new Hdf5Array(file, ds, shape, chunks, max);
	}

	@Override
	public long[] shape() {
		return shape.clone();
	}

	@Override
	public int[] chunks() {
		return chunks.clone();
	}

	@Override
	public double typeMax() {
		return typeMax;
	}

	@Override
	public synchronized float[] read(final long[] offset, final int[] size) throws IOException {
		final Object data;
		try {
			data = dataset.getData(offset, size);
		}
		catch (final RuntimeException e) {
			throw new IOException("Reading " + Arrays.toString(size) + " at " + Arrays.toString(offset) +
				" of " + dataset.getPath() + " failed: " + e.getMessage(), e);
		}
		int n = 1;
		for (final int s : size) n *= s;
		final float[] out = new float[n];
		final int[] at = { 0 };
		flatten(data, out, at);
		if (at[0] != n) throw new IOException("jHDF gave " + at[0] + " values for a box of " + n + ".");
		return out;
	}

	/** Java's nested arrays of any primitive number type, flattened in C order. */
	private static void flatten(final Object a, final float[] out, final int[] at) {
		final Class<?> c = a.getClass().getComponentType();
		if (!c.isPrimitive()) {
			for (int i = 0, n = Array.getLength(a); i < n; i++) flatten(Array.get(a, i), out, at);
			return;
		}
		if (a instanceof float[] f) for (final float v : f) out[at[0]++] = v;
		else if (a instanceof double[] d) for (final double v : d) out[at[0]++] = (float) v;
		else if (a instanceof byte[] b) for (final byte v : b) out[at[0]++] = v;
		else if (a instanceof short[] s) for (final short v : s) out[at[0]++] = v;
		else if (a instanceof int[] i) for (final int v : i) out[at[0]++] = v;
		else if (a instanceof long[] l) for (final long v : l) out[at[0]++] = v;
		else throw new IllegalArgumentException("Unexpected values of " + c + ".");
	}

	@Override
	public void close() {
		file.close();
	}
}
