package sc.fiji.diffusion.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OmeZarrTest {

	@TempDir
	Path tmp;

	private static final String PYTHON_IMAGE = """
		import numpy as np, zarr
		g = zarr.open_group('img.zarr', mode='w')
		a = (np.arange(2 * 5 * 12 * 9) % 251).astype('<u2').reshape(2, 5, 12, 9)
		g.create_dataset('s0', data=a, chunks=(1, 2, 5, 4))
		g.create_dataset('s1', data=a[:, :, ::2, ::2], chunks=(1, 2, 5, 4))
		g.attrs['multiscales'] = [{'version': '0.4', 'name': 'img',
		  'axes': [{'name': 'c', 'type': 'channel'}, {'name': 'z', 'type': 'space', 'unit': 'micrometer'},
		           {'name': 'y', 'type': 'space', 'unit': 'micrometer'}, {'name': 'x', 'type': 'space', 'unit': 'micrometer'}],
		  'datasets': [{'path': 's0', 'coordinateTransformations': [{'type': 'scale', 'scale': [1, 2.0, 0.5, 0.5]}]},
		               {'path': 's1', 'coordinateTransformations': [{'type': 'scale', 'scale': [1, 2.0, 1.0, 1.0]}]}]}]
		a.astype(np.float32).tofile('s0.expected')
		""";

	/**
	 * An OME-Zarr image written with Python's zarr, its dataset paths not "0": each level's path,
	 * axes with units, scales as given, and the values.
	 */
	@Test
	void readsTheMultiscalesAsGiven() throws Exception {
		Python.require("zarr", "numpy");
		Python.script(PYTHON_IMAGE, tmp);
		final List<String> said = new ArrayList<>();
		final OmeZarr.Image full = OmeZarr.open(tmp.resolve("img.zarr"), 0, said::add);
		assertEquals("s0", full.path());
		assertEquals("czyx", OmeZarr.names(full.axes()));
		assertEquals("micrometer", full.axes().get(1).unit());
		assertEquals("channel", full.axes().get(0).type());
		assertArrayEquals(new double[] { 1, 2, 0.5, 0.5 }, full.scale());
		assertArrayEquals(new long[] { 2, 5, 12, 9 }, full.array().shape());
		assertArrayEquals(Python.floats(tmp.resolve("s0.expected")), full.array().read(new long[4], new int[] {
			2, 5, 12, 9 }));
		final OmeZarr.Image half = OmeZarr.open(tmp.resolve("img.zarr"), 1, said::add);
		assertEquals("s1", half.path());
		assertArrayEquals(new double[] { 1, 2, 1, 1 }, half.scale());
		assertArrayEquals(new long[] { 2, 5, 6, 5 }, half.array().shape());
		final IOException e = assertThrows(IOException.class, () -> OmeZarr.open(tmp.resolve("img.zarr"), 2,
			s -> {}));
		assertTrue(e.getMessage().contains("2 resolution levels"), e.getMessage());
		// A plain array: axes from its rank, said.
		final OmeZarr.Image plain = OmeZarr.open(tmp.resolve("img.zarr").resolve("s0"), 0, said::add);
		assertEquals("czyx", OmeZarr.names(plain.axes()));
		assertTrue(said.stream().anyMatch(s -> s.contains("plain Zarr array")), said.toString());
	}

	/** Axes metadata that do not match the array: refused, saying both. */
	@Test
	void refusesAxesThatDoNotMatchTheArray() throws Exception {
		Python.require("zarr", "numpy");
		Python.script(PYTHON_IMAGE.replace("{'name': 'c', 'type': 'channel'}, ", ""), tmp);
		final IOException e = assertThrows(IOException.class, () -> OmeZarr.open(tmp.resolve("img.zarr"), 0,
			s -> {}));
		assertTrue(e.getMessage().contains("3 axes") && e.getMessage().contains("4-d"), e.getMessage());
	}

	/**
	 * What this writes follows OME-Zarr 0.4 as a reader of the rules checks it (version, axes with
	 * types and units in order, one scale per dataset of the axes' length) and Python's zarr reads the
	 * values; axes out of order are refused before anything is written.
	 */
	@Test
	void writesOmeZarr04() throws Exception {
		Python.require("zarr", "numpy");
		final List<OmeZarr.Axis> axes = List.of(new OmeZarr.Axis("t", "time", "second"), new OmeZarr.Axis(
			"z", "space", "micrometer"), new OmeZarr.Axis("y", "space", "micrometer"), new OmeZarr.Axis("x",
				"space", "micrometer"));
		final OmeZarr.Image img = OmeZarr.create(tmp.resolve("out.zarr"), axes, new double[] { 1.5, 2, 0.25,
			0.25 }, new long[] { 2, 3, 10, 7 }, new int[] { 1, 1, 8, 8 }, Map.of("diffusion_ij", Map.of("task",
				"denoise")), s -> {});
		final long[] shape = img.zarr().shape();
		final float[] all = new float[2 * 3 * 10 * 7];
		for (int i = 0; i < all.length; i++) all[i] = i * 0.5f;
		for (final long[] c : img.zarr().allChunks()) {
			final float[] chunk = new float[64];
			for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) {
				final long yy = c[2] * 8 + y, xx = c[3] * 8 + x;
				if (yy < shape[2] && xx < shape[3]) chunk[y * 8 + x] = all[(int) (((c[0] * 3 + c[1]) * 10 + yy) * 7 +
					xx)];
			}
			img.zarr().writeChunk(c, chunk);
		}
		Python.script("""
			import numpy as np, zarr, json
			g = zarr.open_group('out.zarr', mode='r')
			ms = g.attrs['multiscales']
			assert len(ms) == 1 and ms[0]['version'] == '0.4', ms
			axes = ms[0]['axes']
			assert [a['name'] for a in axes] == ['t', 'z', 'y', 'x'], axes
			assert [a['type'] for a in axes] == ['time', 'space', 'space', 'space'], axes
			assert axes[0]['unit'] == 'second' and axes[3]['unit'] == 'micrometer', axes
			for d in ms[0]['datasets']:
			    t = d['coordinateTransformations']
			    assert t[0]['type'] == 'scale' and len(t[0]['scale']) == len(axes), t
			assert ms[0]['datasets'][0]['coordinateTransformations'][0]['scale'] == [1.5, 2, 0.25, 0.25]
			a = g[ms[0]['datasets'][0]['path']]
			assert a.dtype == np.float32 and a.compressor.codec_id == 'blosc' and a.compressor.cname == 'zstd'
			assert g.attrs['diffusion_ij']['task'] == 'denoise'
			a[...].tofile('got')
			""", tmp);
		assertArrayEquals(all, Python.floats(tmp.resolve("got")));
		assertThrows(IllegalArgumentException.class, () -> OmeZarr.create(tmp.resolve("bad.zarr"), List.of(
			new OmeZarr.Axis("y", "space", null), new OmeZarr.Axis("c", "channel", null), new OmeZarr.Axis("x",
				"space", null)), new double[] { 1, 1, 1 }, new long[] { 4, 2, 4 }, new int[] { 4, 1, 4 }, null,
			s -> {}));
		assertTrue(!Files.exists(tmp.resolve("bad.zarr")), "nothing is written for refused axes");
	}
}
