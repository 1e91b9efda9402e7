package sc.fiji.diffusion.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Hdf5ArrayTest {

	@TempDir
	Path tmp;

	/**
	 * Datasets written by h5py, chunked (gzip with shuffle, lzf, none) and contiguous, of unsigned and
	 * signed integers (values beyond the signed range) and floats: read here value for value, boxes
	 * across chunk borders too; the axes as given or by rank (said); a dataset that does not exist, a
	 * file of several datasets without a name, and a filter jHDF lacks are refused with what to do.
	 */
	@Test
	void readsWhatH5pyWrites() throws Exception {
		Python.require("h5py", "numpy");
		Python.script("""
			import numpy as np, h5py
			rng = np.random.default_rng(5)
			with h5py.File('v.h5', 'w') as f:
			    for name, dtype, kw in [('u8', 'u1', dict(chunks=(1, 7, 6), compression='gzip', shuffle=True)),
			                            ('u16', '>u2', dict(chunks=(2, 5, 9), compression='lzf')),
			                            ('i16', '<i2', dict(chunks=(1, 16, 16))),
			                            ('f32', '<f4', dict()),
			                            ('g/f64', '<f8', dict(chunks=(3, 4, 4), compression='gzip'))]:
			        lo, hi = (0, 255) if dtype == 'u1' else (0, 65535) if 'u2' in dtype else (-30000, 30000)
			        a = rng.uniform(lo, hi, (3, 20, 17)).astype(dtype) if dtype[-2] in 'ui' else rng.normal(0, 5, (3, 20, 17)).astype(dtype)
			        f.create_dataset(name, data=a, **kw)
			        a.astype(np.float32).tofile(name.replace('/', '_') + '.expected')
			with h5py.File('one.h5', 'w') as f:
			    f.create_dataset('only', data=np.arange(12 * 10, dtype='<u2').reshape(12, 10))
			with h5py.File('SO.H5', 'w') as f:
			    f.create_dataset('so', data=np.arange(400, dtype='<u2').reshape(20, 20), chunks=(10, 10), scaleoffset=0)
			""", tmp);
		final List<String> said = new ArrayList<>();
		for (final String name : new String[] { "/u8", "/u16", "/i16", "/f32", "/g/f64" }) {
			try (Hdf5Array a = (Hdf5Array) Hdf5Array.open(tmp.resolve("v.h5") + ":" + name, "zyx", new double[] {
				2, 0.5, 0.5 }, said::add).array())
			{
				assertArrayEquals(new long[] { 3, 20, 17 }, a.shape());
				final float[] all = a.read(new long[3], new int[] { 3, 20, 17 });
				assertArrayEquals(Python.floats(tmp.resolve(name.substring(1).replace('/', '_') + ".expected")), all,
					name);
				final float[] box = a.read(new long[] { 1, 3, 5 }, new int[] { 2, 9, 8 });
				for (int i = 0; i < 2; i++) for (int j = 0; j < 9; j++) for (int k = 0; k < 8; k++) {
					assertEquals(all[((1 + i) * 20 + 3 + j) * 17 + 5 + k], box[(i * 9 + j) * 8 + k], name);
				}
			}
		}
		final OmeZarr.Image one = Hdf5Array.open(tmp.resolve("one.h5").toString(), null, null, said::add);
		assertEquals("yx", OmeZarr.names(one.axes()));
		assertEquals(65535, one.array().typeMax());
		assertTrue(said.stream().anyMatch(s -> s.contains("give --axes")), said.toString());
		((Hdf5Array) one.array()).close();
		IOException e = assertThrows(IOException.class, () -> Hdf5Array.open(tmp.resolve("v.h5") + ":/nope",
			null, null, s -> {}));
		assertTrue(e.getMessage().contains("/nope") && e.getMessage().contains("/u16"), e.getMessage());
		e = assertThrows(IOException.class, () -> Hdf5Array.open(tmp.resolve("v.h5").toString(), null, null,
			s -> {}));
		assertTrue(e.getMessage().contains("5 datasets"), e.getMessage());
		e = assertThrows(IOException.class, () -> Hdf5Array.open(tmp.resolve("v.h5") + ":/u8", "yx", null,
			s -> {}));
		assertTrue(e.getMessage().contains("--axes yx"), e.getMessage());
		assertTrue(said.stream().anyMatch(s -> s.contains("/g/f64 holds float64")), said.toString());
		// Upper-case extensions are HDF5 too; scale-offset (filter 6) is one jHDF cannot decode.
		e = assertThrows(IOException.class, () -> Hdf5Array.open(tmp.resolve("SO.H5") + ":/so", null, null,
			s -> {}));
		assertTrue(e.getMessage().contains("6") && e.getMessage().contains("filter") && e.getMessage().contains(
			"rewrite it"), e.getMessage());
	}

	/** The same voxels as an HDF5 dataset (h5py) and as a Zarr array restore to the same output. */
	@Test
	void hdf5AndZarrInputsRestoreAlike() throws Exception {
		Python.require("h5py", "numpy");
		Python.script("""
			import numpy as np, h5py
			rng = np.random.default_rng(9)
			y, x = np.mgrid[0:70, 0:90]
			a = np.stack([300 + 200 * np.sin(x / 7 + k) * np.cos(y / 9) + rng.normal(0, 20, (70, 90)) for k in range(2)])
			a = np.clip(a, 0, 65535).astype('<u2')
			with h5py.File('v.h5', 'w') as f:
			    f.create_dataset('img', data=a, chunks=(1, 64, 64), compression='gzip')
			a.astype(np.float32).tofile('v.expected')
			""", tmp);
		final float[] values = Python.floats(tmp.resolve("v.expected"));
		final long[] shape = { 2, 70, 90 };
		final ZarrArray z = ZarrArray.create(tmp.resolve("v.zarr"), shape, new int[] { 1, 64, 64 }, ZarrCodec
			.NONE, ".", s -> {});
		for (final long[] c : z.allChunks()) z.writeChunk(c, ZarrArrayTest.chunkOf(values, shape, z.chunks(), c));
		try (sc.fiji.diffusion.engine.NetworkDenoiser model = sc.fiji.diffusion.model.ModelFolder.load(Path.of(
			"models/ddpm-fluo"), ai.djl.Device.cpu()); OmeZarr.Image h5 = Hdf5Array.open(tmp.resolve("v.h5") +
				":/img", "zyx", null, s -> {}); OmeZarr.Image zarr = OmeZarr.open(tmp.resolve("v.zarr"), 0, s -> {}))
		{
			final sc.fiji.diffusion.restore.RestoreOptions o = sc.fiji.diffusion.restore.RestoreOptions.defaults(
				model, "ddpm", 0);
			final sc.fiji.diffusion.restore.NoiseModel noise = sc.fiji.diffusion.restore.NoiseModel.parse("auto");
			assertEquals(8, VolumeRestore.denoise(h5, tmp.resolve("a.zarr"), noise, o, java.util.Map.of(), s -> {}));
			assertEquals(8, VolumeRestore.denoise(zarr, tmp.resolve("b.zarr"), noise, o, java.util.Map.of(),
				s -> {}));
		}
		// The uint16 HDF5 data and the float32 Zarr copy differ in type only: the same voxels, the same
		// sampled setup (the HDF5 input's saturation level aside, which these values never reach).
		final int[] all = { 2, 70, 90 };
		assertArrayEquals(OmeZarr.open(tmp.resolve("b.zarr"), 0, s -> {}).array().read(new long[3], all), OmeZarr
			.open(tmp.resolve("a.zarr"), 0, s -> {}).array().read(new long[3], all));
	}
}
