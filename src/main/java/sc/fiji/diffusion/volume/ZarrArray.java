package sc.fiji.diffusion.volume;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One Zarr v2 array on a file system: its {@code .zarray} metadata and its chunk files, read and
 * written chunk by chunk. The project's own (Maven Central holds no Zarr library that resolves:
 * zarr-java and JZarr need {@code edu.ucar:cdm-core}, N5's Zarr module needs N5), small, and tested
 * against arrays written by Python's {@code zarr}. Reads C-ordered arrays without filters of uint8,
 * uint16, int16 and float32 (float64 and uint32 converted to float, said once), either byte order,
 * either chunk key separator, any {@link ZarrCodec}; a missing chunk reads as the fill value (said
 * once). Writes float32, little-endian. Values are handed out as float, in C order.
 */
public final class ZarrArray implements VolumeArray {

	/** Element types read; only {@link #FLOAT32} is written. */
	public enum Type {
		UINT8(1), UINT16(2), INT16(2), UINT32(4), FLOAT32(4), FLOAT64(8);

		final int bytes;

		Type(final int bytes) {
			this.bytes = bytes;
		}
	}

	private static final Gson GSON = new GsonBuilder().serializeNulls().setPrettyPrinting().create();
	static final String META = ".zarray";

	private final Path dir;
	private final long[] shape;
	private final int[] chunks;
	private final Type type;
	private final ByteOrder order;
	private final ZarrCodec codec;
	private final float fill;
	private final String separator;
	private final Consumer<String> log;
	private volatile boolean saidMissing;

	private ZarrArray(final Path dir, final long[] shape, final int[] chunks, final Type type,
		final ByteOrder order, final ZarrCodec codec, final float fill, final String separator,
		final Consumer<String> log)
	{
		this.dir = dir;
		this.shape = shape;
		this.chunks = chunks;
		this.type = type;
		this.order = order;
		this.codec = codec;
		this.fill = fill;
		this.separator = separator;
		this.log = log;
	}

	@Override
	public long[] shape() {
		return shape.clone();
	}

	@Override
	public double typeMax() {
		return switch (type) {
			case UINT8 -> 255;
			case UINT16 -> 65535;
			case INT16 -> 32767;
			default -> Double.NaN;
		};
	}

	@Override
	public int[] chunks() {
		return chunks.clone();
	}

	public Type type() {
		return type;
	}

	public Path dir() {
		return dir;
	}

	/** Chunks along each axis. */
	public long[] chunkGrid() {
		final long[] g = new long[shape.length];
		for (int d = 0; d < g.length; d++) g[d] = (shape[d] + chunks[d] - 1) / chunks[d];
		return g;
	}

	/**
	 * Opens an existing array, checking its metadata before any chunk is read.
	 *
	 * @param log hears conversions and missing chunks, once each
	 * @throws IOException for a folder without {@code .zarray}, or metadata this reader refuses (the
	 *           message names what was found and what is read)
	 */
	public static ZarrArray open(final Path dir, final Consumer<String> log) throws IOException {
		final Path meta = dir.resolve(META);
		final Map<?, ?> m;
		try {
			m = GSON.fromJson(Files.readString(meta, StandardCharsets.UTF_8), Map.class);
		}
		catch (final NoSuchFileException e) {
			throw new IOException(dir + " holds no " + META + ": it is no Zarr v2 array (give the array's " +
				"folder, or an OME-Zarr group with multiscales).", e);
		}
		catch (final JsonParseException e) {
			throw new IOException(meta + " is not valid JSON: " + e.getMessage(), e);
		}
		if (m == null) throw new IOException(meta + " is empty.");
		if (!(m.get("zarr_format") instanceof Number f) || f.intValue() != 2) {
			throw new IOException(meta + " has zarr_format " + m.get("zarr_format") + "; this reader reads " +
				"Zarr v2 arrays.");
		}
		final long[] shape = longs(m.get("shape"), meta, "shape");
		final long[] chunkLongs = longs(m.get("chunks"), meta, "chunks");
		if (chunkLongs.length != shape.length) {
			throw new IOException(meta + ": shape " + Arrays.toString(shape) + " and chunks " + Arrays
				.toString(chunkLongs) + " differ in length.");
		}
		final int[] chunks = new int[chunkLongs.length];
		long chunkSize = 1;
		for (int d = 0; d < chunks.length; d++) {
			if (chunkLongs[d] < 1) throw new IOException(meta + ": chunk sides must be positive, got " + Arrays
				.toString(chunkLongs) + ".");
			chunks[d] = (int) chunkLongs[d];
			chunkSize *= chunks[d];
		}
		if (!"C".equals(m.get("order"))) {
			throw new IOException(meta + " has order " + m.get("order") + "; this reader reads C order only " +
				"(rewrite the array with order 'C').");
		}
		if (m.get("filters") != null && !(m.get("filters") instanceof List<?> l && l.isEmpty())) {
			throw new IOException(meta + " has filters " + m.get("filters") + "; this reader reads arrays " +
				"without filters (rewrite the array with filters=None).");
		}
		final String dtype = String.valueOf(m.get("dtype"));
		final Type type = type(dtype, meta);
		if (chunkSize * type.bytes > Integer.MAX_VALUE - 16) {
			throw new IOException(meta + ": chunks of " + Arrays.toString(chunks) + " " + dtype + " exceed " +
				"2 GB; rechunk the array.");
		}
		final ByteOrder order = dtype.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
		if (type == Type.FLOAT64 || type == Type.UINT32) {
			log.accept(dir + ": " + dtype + " values are converted to float32.");
		}
		final Object sep = m.get("dimension_separator");
		final String separator = sep == null ? "." : String.valueOf(sep);
		if (!".".equals(separator) && !"/".equals(separator)) {
			throw new IOException(meta + " has dimension_separator '" + separator + "'; Zarr v2 knows '.' " +
				"and '/'.");
		}
		final Map<?, ?> compressor = m.get("compressor") instanceof Map<?, ?> c ? c : null;
		if (m.get("compressor") != null && compressor == null) {
			throw new IOException(meta + " has compressor " + m.get("compressor") + ", not an object.");
		}
		return new ZarrArray(dir, shape, chunks, type, order, ZarrCodec.of(compressor), fill(m.get(
			"fill_value"), meta), separator, log);
	}

	/**
	 * Creates a float32 array (little-endian, C order, no filters, fill value 0), its metadata written
	 * under a temporary name and then moved; no chunk yet.
	 *
	 * @throws IOException if {@code dir} already holds an array of another shape, chunking or type
	 */
	public static ZarrArray create(final Path dir, final long[] shape, final int[] chunks,
		final ZarrCodec codec, final String separator, final Consumer<String> log) throws IOException
	{
		if (shape.length != chunks.length || shape.length == 0) {
			throw new IllegalArgumentException("Shape " + Arrays.toString(shape) + " and chunks " + Arrays
				.toString(chunks) + " must be of one, equal length.");
		}
		final Map<String, Object> m = new LinkedHashMap<>();
		m.put("zarr_format", 2);
		m.put("shape", shape);
		m.put("chunks", chunks);
		m.put("dtype", "<f4");
		m.put("compressor", codec.json());
		m.put("fill_value", 0.0);
		m.put("order", "C");
		m.put("filters", null);
		m.put("dimension_separator", separator);
		if (Files.isRegularFile(dir.resolve(META))) {
			final ZarrArray old = open(dir, log);
			if (!Arrays.equals(old.shape, shape) || !Arrays.equals(old.chunks, chunks) || old.type !=
				Type.FLOAT32)
			{
				throw new IOException(dir + " already holds an array of shape " + Arrays.toString(old.shape) +
					", chunks " + Arrays.toString(old.chunks) + " and type " + old.type + ": give another " +
					"output, or remove that one.");
			}
			return old;
		}
		Files.createDirectories(dir);
		writeAtomically(dir.resolve(META), GSON.toJson(m).getBytes(StandardCharsets.UTF_8));
		return new ZarrArray(dir, shape.clone(), chunks.clone(), Type.FLOAT32, ByteOrder.LITTLE_ENDIAN,
			codec, 0, separator, log);
	}

	/** The chunk file's key: its indices joined by the array's separator. */
	String key(final long[] index) {
		final StringBuilder b = new StringBuilder();
		for (int d = 0; d < index.length; d++) {
			if (d > 0) b.append(separator);
			b.append(index[d]);
		}
		return b.toString();
	}

	private Path chunkPath(final long[] index) {
		checkIndex(index);
		return dir.resolve(key(index));
	}

	public boolean hasChunk(final long[] index) {
		return Files.isRegularFile(chunkPath(index));
	}

	private int chunkLength() {
		int n = 1;
		for (final int c : chunks) n *= c;
		return n;
	}

	/**
	 * A whole chunk (its full chunk shape, edge chunks included, as Zarr stores them), C order; the
	 * fill value where the chunk file is missing.
	 */
	public float[] readChunk(final long[] index) throws IOException {
		final Path p = chunkPath(index);
		final int n = chunkLength();
		final byte[] stored;
		try {
			stored = Files.readAllBytes(p);
		}
		catch (final NoSuchFileException e) {
			if (!saidMissing) {
				saidMissing = true;
				log.accept(dir + ": chunk " + key(index) + " is missing and reads as the fill value " + fill +
					" (said once).");
			}
			final float[] f = new float[n];
			Arrays.fill(f, fill);
			return f;
		}
		final byte[] raw;
		try {
			raw = codec.decode(stored, n * type.bytes);
		}
		catch (final IOException e) {
			throw new IOException(p + ": " + e.getMessage(), e);
		}
		if (raw.length != n * type.bytes) {
			throw new IOException(p + " holds " + raw.length + " bytes where the chunk shape " + Arrays
				.toString(chunks) + " of " + type + " makes " + n * type.bytes + ": the chunk is damaged or " +
				"belongs to another array.");
		}
		return toFloats(raw, n);
	}

	private float[] toFloats(final byte[] raw, final int n) {
		final ByteBuffer b = ByteBuffer.wrap(raw).order(order);
		final float[] f = new float[n];
		switch (type) {
			case UINT8 -> {
				for (int i = 0; i < n; i++) f[i] = raw[i] & 0xff;
			}
			case UINT16 -> {
				for (int i = 0; i < n; i++) f[i] = b.getShort(2 * i) & 0xffff;
			}
			case INT16 -> {
				for (int i = 0; i < n; i++) f[i] = b.getShort(2 * i);
			}
			case UINT32 -> {
				for (int i = 0; i < n; i++) f[i] = b.getInt(4 * i) & 0xffffffffL;
			}
			case FLOAT32 -> b.asFloatBuffer().get(f);
			case FLOAT64 -> {
				for (int i = 0; i < n; i++) f[i] = (float) b.getDouble(8 * i);
			}
		}
		return f;
	}

	/**
	 * Writes a whole chunk (full chunk shape, C order) of a float32 array: compressed, written under a
	 * temporary name in the array's folder, then moved over the final name, so that a chunk file is
	 * either absent or complete.
	 */
	public void writeChunk(final long[] index, final float[] values) throws IOException {
		if (type != Type.FLOAT32) throw new IllegalStateException("Only float32 arrays are written.");
		if (values.length != chunkLength()) {
			throw new IllegalArgumentException("A chunk of " + Arrays.toString(chunks) + " holds " +
				chunkLength() + " values, got " + values.length + ".");
		}
		final ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
		b.asFloatBuffer().put(values);
		final Path p = chunkPath(index);
		if (p.getParent() != null) Files.createDirectories(p.getParent());
		writeAtomically(p, codec.encode(b.array(), 4));
	}

	/** Writes under a temporary name beside the target, then moves it into place. */
	static void writeAtomically(final Path target, final byte[] data) throws IOException {
		final Path tmp = target.resolveSibling("." + target.getFileName() + ".partial-" + ProcessHandle
			.current().pid() + "-" + Thread.currentThread().getId());
		try {
			Files.write(tmp, data);
			try {
				Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (final AtomicMoveNotSupportedException e) {
				Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(tmp);
		}
	}

	/**
	 * A box of the array, {@code offset} to {@code offset + size} (inside the shape), C order, read
	 * chunk by chunk.
	 */
	@Override
	public float[] read(final long[] offset, final int[] size) throws IOException {
		final int dims = shape.length;
		if (offset.length != dims || size.length != dims) {
			throw new IllegalArgumentException("A box of this " + dims + "-d array needs " + dims +
				" offsets and sizes.");
		}
		long total = 1;
		for (int d = 0; d < dims; d++) {
			if (offset[d] < 0 || size[d] < 0 || offset[d] + size[d] > shape[d]) {
				throw new IllegalArgumentException("Box " + Arrays.toString(offset) + " + " + Arrays.toString(
					size) + " leaves the shape " + Arrays.toString(shape) + ".");
			}
			total *= size[d];
		}
		final float[] out = new float[Math.toIntExact(total)];
		if (total == 0) return out;
		final long[] first = new long[dims], last = new long[dims];
		for (int d = 0; d < dims; d++) {
			first[d] = offset[d] / chunks[d];
			last[d] = (offset[d] + size[d] - 1) / chunks[d];
		}
		final long[] c = first.clone();
		while (true) {
			copyFromChunk(c, readChunk(c), offset, size, out);
			int d = dims - 1;
			while (d >= 0 && c[d] == last[d]) {
				c[d] = first[d];
				d--;
			}
			if (d < 0) break;
			c[d]++;
		}
		return out;
	}

	/** Copies the part of chunk {@code c} inside the box into {@code out}. */
	private void copyFromChunk(final long[] c, final float[] chunk, final long[] offset,
		final int[] size, final float[] out)
	{
		final int dims = shape.length;
		final long[] lo = new long[dims], inChunk = new long[dims], inBox = new long[dims];
		final int[] part = new int[dims];
		for (int d = 0; d < dims; d++) {
			lo[d] = Math.max(offset[d], c[d] * chunks[d]);
			part[d] = (int) (Math.min(offset[d] + size[d], (c[d] + 1) * chunks[d]) - lo[d]);
			inChunk[d] = lo[d] - c[d] * chunks[d];
			inBox[d] = lo[d] - offset[d];
		}
		Boxes.copy(chunk, chunks, inChunk, out, size, inBox, part);
	}

	private void checkIndex(final long[] index) {
		final long[] g = chunkGrid();
		if (index.length != g.length) throw new IllegalArgumentException("Chunk index " + Arrays.toString(
			index) + " for a " + g.length + "-d array.");
		for (int d = 0; d < g.length; d++) {
			if (index[d] < 0 || index[d] >= g[d]) throw new IllegalArgumentException("Chunk index " + Arrays
				.toString(index) + " outside the grid " + Arrays.toString(g) + ".");
		}
	}

	private static Type type(final String dtype, final Path meta) throws IOException {
		if (dtype.length() >= 3 && "<>|".indexOf(dtype.charAt(0)) >= 0) {
			switch (dtype.substring(1)) {
				case "u1": return Type.UINT8;
				case "u2": return Type.UINT16;
				case "i2": return Type.INT16;
				case "u4": return Type.UINT32;
				case "f4": return Type.FLOAT32;
				case "f8": return Type.FLOAT64;
				default: break;
			}
		}
		throw new IOException(meta + " has dtype " + dtype + "; this reader reads uint8, uint16, int16 " +
			"and float32 (and float64 and uint32, converted): convert the array to one of them.");
	}

	private static long[] longs(final Object o, final Path meta, final String what) throws IOException {
		if (!(o instanceof List<?> l) || l.isEmpty()) {
			throw new IOException(meta + " has no " + what + " list (found " + o + ").");
		}
		final long[] v = new long[l.size()];
		for (int i = 0; i < v.length; i++) {
			if (!(l.get(i) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n
				.doubleValue() < 0)
			{
				throw new IOException(meta + ": " + what + " " + l + " must hold non-negative integers.");
			}
			v[i] = n.longValue();
		}
		return v;
	}

	private static float fill(final Object o, final Path meta) throws IOException {
		if (o == null) return 0;
		if (o instanceof Number n) return n.floatValue();
		return switch (String.valueOf(o)) {
			case "NaN" -> Float.NaN;
			case "Infinity" -> Float.POSITIVE_INFINITY;
			case "-Infinity" -> Float.NEGATIVE_INFINITY;
			default -> throw new IOException(meta + " has fill_value " + o + ", which is no number.");
		};
	}

	/** The chunk indices of the grid, in C order. */
	public List<long[]> allChunks() {
		final long[] g = chunkGrid();
		final List<long[]> list = new ArrayList<>();
		final long[] c = new long[g.length];
		while (true) {
			list.add(c.clone());
			int d = g.length - 1;
			while (d >= 0 && c[d] == g[d] - 1) {
				c[d] = 0;
				d--;
			}
			if (d < 0) break;
			c[d]++;
		}
		return list;
	}
}
