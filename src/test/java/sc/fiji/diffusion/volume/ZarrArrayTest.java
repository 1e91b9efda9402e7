package sc.fiji.diffusion.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ZarrArrayTest {

	@TempDir
	Path tmp;

	private static final String[] DTYPES = { "<u1", "<u2", ">u2", "<i2", "<f4", ">f4", "<f8", "<u4" };
	private static final String[] CODECS = { "None", "numcodecs.Zlib(level=3)", "numcodecs.GZip(level=5)",
		"numcodecs.Zstd(level=2)", "numcodecs.Blosc(cname='lz4', clevel=5, shuffle=1)",
		"numcodecs.Blosc(cname='zstd', clevel=3, shuffle=2)", "numcodecs.Blosc(cname='zlib', clevel=4, shuffle=0)",
		"numcodecs.Blosc(cname='blosclz', clevel=5, shuffle=1)", "numcodecs.Blosc(cname='lz4hc', clevel=5, shuffle=-1)" };

	/**
	 * Arrays written by Python's zarr, every data type with a few codecs and every codec with a few
	 * types, both chunk key separators, edge chunks (the shape no multiple of the chunks) and one
	 * deleted chunk: read back here value for value (the expected values as numpy wrote them, as
	 * float32), the deleted chunk as the fill value.
	 */
	@Test
	void readsWhatPythonsZarrWrites() throws Exception {
		Python.require("zarr", "numcodecs", "numpy");
		final StringBuilder py = new StringBuilder("""
			import numpy as np, zarr, numcodecs, os
			from zarr.storage import NestedDirectoryStore
			rng = np.random.default_rng(7)
			def make(name, dtype, codec, sep):
			    shape, chunks = (3, 13, 10), (2, 5, 4)
			    a = rng.uniform(0, 200, shape) if dtype[1] in 'ui' else rng.normal(0, 3, shape)
			    a = a.astype(np.dtype(dtype))
			    z = zarr.open_array(name, mode='w', shape=shape, chunks=chunks, dtype=dtype, compressor=codec,
			                        fill_value=7, dimension_separator=sep)
			    z[...] = a
			    # one chunk removed: it reads as the fill value
			    os.remove(os.path.join(name, sep.join(['1', '2', '1'])))
			    e = a.astype(np.float32)
			    e[2:3, 10:13, 4:8] = 7
			    e.tofile(name + '.expected')
			""");
		final List<String> names = new ArrayList<>();
		int k = 0;
		for (int t = 0; t < DTYPES.length; t++) {
			for (int c = 0; c < CODECS.length; c++) {
				// Each type with three codecs, each codec with several types.
				if ((t + c) % 3 != 0) continue;
				final String name = "a" + k++;
				names.add(name);
				py.append("make('").append(name).append("', '").append(DTYPES[t]).append("', ").append(CODECS[c])
					.append(", '").append(k % 2 == 0 ? "." : "/").append("')\n");
			}
		}
		Python.script(py.toString(), tmp);
		final List<String> said = new ArrayList<>();
		for (final String name : names) {
			final ZarrArray z = ZarrArray.open(tmp.resolve(name), said::add);
			assertArrayEquals(new long[] { 3, 13, 10 }, z.shape());
			final float[] got = z.read(new long[3], new int[] { 3, 13, 10 });
			assertArrayEquals(Python.floats(tmp.resolve(name + ".expected")), got, name + " " + Files
				.readString(tmp.resolve(name).resolve(".zarray")));
			// A box across chunk borders, not at the origin.
			final float[] box = z.read(new long[] { 1, 3, 2 }, new int[] { 2, 7, 5 });
			for (int i = 0; i < 2; i++) for (int j = 0; j < 7; j++) for (int l = 0; l < 5; l++) {
				assertEquals(got[((1 + i) * 13 + 3 + j) * 10 + 2 + l], box[(i * 7 + j) * 5 + l], name);
			}
		}
		assertTrue(names.size() >= 20, names.size() + " arrays");
		assertTrue(said.stream().anyMatch(s -> s.contains("missing") && s.contains("fill value 7")), said
			.toString());
		assertTrue(said.stream().anyMatch(s -> s.contains("converted to float32")), said.toString());
	}

	/** What this writes, Python's zarr reads: values, chunking, codec, both separators. */
	@Test
	void pythonsZarrReadsWhatThisWrites() throws Exception {
		Python.require("zarr", "numcodecs", "numpy");
		final long[] shape = { 2, 9, 11 };
		final int[] chunks = { 1, 4, 8 };
		final float[] all = new float[2 * 9 * 11];
		for (int i = 0; i < all.length; i++) all[i] = (float) Math.sin(i * 0.37) * 100 + i;
		int n = 0;
		for (final String sep : new String[] { ".", "/" }) for (final ZarrCodec codec : new ZarrCodec[] {
			ZarrCodec.bloscZstd(), ZarrCodec.of(java.util.Map.of("id", "zlib", "level", 1)), ZarrCodec.NONE })
		{
			final ZarrArray z = ZarrArray.create(tmp.resolve("w" + n++), shape, chunks, codec, sep, s -> {});
			for (final long[] c : z.allChunks()) z.writeChunk(c, chunkOf(all, shape, chunks, c));
		}
		Python.script("""
			import numpy as np, zarr
			for i in range(%d):
			    z = zarr.open_array('w%%d' %% i, mode='r')
			    assert z.dtype == np.float32 and z.chunks == (1, 4, 8), (z.dtype, z.chunks)
			    z[...].astype(np.float32).tofile('w%%d.got' %% i)
			""".formatted(n), tmp);
		for (int i = 0; i < n; i++) assertArrayEquals(all, Python.floats(tmp.resolve("w" + i + ".got")), "w" +
			i);
		// No temporary file is left beside the chunks.
		try (Stream<Path> files = Files.walk(tmp)) {
			assertFalse(files.anyMatch(p -> p.getFileName().toString().contains(".partial")));
		}
	}

	/** The chunk {@code c} of a C-ordered array, padded with zeros at the edges as Zarr stores it. */
	public static float[] chunkOf(final float[] all, final long[] shape, final int[] chunks, final long[] c) {
		final float[] out = new float[chunks[0] * chunks[1] * chunks[2]];
		for (int i = 0; i < chunks[0]; i++) for (int j = 0; j < chunks[1]; j++) for (int l = 0; l < chunks[2]; l++) {
			final long a = c[0] * chunks[0] + i, b = c[1] * chunks[1] + j, d = c[2] * chunks[2] + l;
			if (a < shape[0] && b < shape[1] && d < shape[2]) {
				out[(i * chunks[1] + j) * chunks[2] + l] = all[(int) ((a * shape[1] + b) * shape[2] + d)];
			}
		}
		return out;
	}

	private Path array(final String meta) throws IOException {
		final Path d = Files.createDirectories(tmp.resolve("bad" + Math.abs(meta.hashCode())));
		Files.writeString(d.resolve(".zarray"), meta);
		return d;
	}

	private static final String GOOD = """
		{"zarr_format": 2, "shape": [4, 4], "chunks": [2, 2], "dtype": "<u2", "compressor": null,
		 "fill_value": 0, "order": "C", "filters": null}""";

	/** Metadata this reader cannot honour is refused at open, naming what was found. */
	@Test
	void refusesWhatItCannotRead() throws Exception {
		final String[][] cases = { { "\"order\": \"C\"", "\"order\": \"F\"", "order F" },
			{ "\"filters\": null", "\"filters\": [{\"id\": \"delta\", \"dtype\": \"<u2\"}]", "filters" },
			{ "\"dtype\": \"<u2\"", "\"dtype\": \"<i8\"", "dtype <i8" },
			{ "\"compressor\": null", "\"compressor\": {\"id\": \"lzma\"}", "'lzma'" },
			{ "\"zarr_format\": 2", "\"zarr_format\": 3", "zarr_format 3" } };
		for (final String[] c : cases) {
			final IOException e = assertThrows(IOException.class, () -> ZarrArray.open(array(GOOD.replace(c[0],
				c[1])), s -> {}), c[1]);
			assertTrue(e.getMessage().contains(c[2]), e.getMessage());
		}
		assertThrows(IOException.class, () -> ZarrArray.open(tmp.resolve("none"), s -> {}));
		// A raw chunk of the wrong size: named, not read as garbage.
		final Path d = array(GOOD);
		final ZarrArray z = ZarrArray.open(d, s -> {});
		Files.write(d.resolve("0.1"), new byte[6]);
		final IOException e = assertThrows(IOException.class, () -> z.readChunk(new long[] { 0, 1 }));
		assertTrue(e.getMessage().contains("0.1") && e.getMessage().contains("8"), e.getMessage());
		// An output folder holding another array is not overwritten.
		final IOException other = assertThrows(IOException.class, () -> ZarrArray.create(d, new long[] { 4,
			4 }, new int[] { 2, 2 }, ZarrCodec.NONE, ".", s -> {}));
		assertTrue(other.getMessage().contains("already holds"), other.getMessage());
		assertEquals("[4, 4]", Arrays.toString(z.shape()));
	}
}
