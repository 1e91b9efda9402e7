package sc.fiji.diffusion.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sc.fiji.diffusion.volume.OmeZarr;
import sc.fiji.diffusion.volume.ZarrArray;
import sc.fiji.diffusion.volume.ZarrArrayTest;
import sc.fiji.diffusion.volume.ZarrCodec;

class RestoreVolumeVerbTest {

	@TempDir
	Path tmp;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err =
		new ByteArrayOutputStream();

	private int run(final String... args) {
		out.reset();
		err.reset();
		return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
			StandardCharsets.UTF_8));
	}

	/** A plain uint-valued Zarr array in, an OME-Zarr image out: same shape, restored, calibrated as given. */
	@Test
	void restoresAZarrVolumeIntoOmeZarr() throws Exception {
		final ZarrArray in = ZarrArray.create(tmp.resolve("in.zarr"), new long[] { 2, 70, 90 }, new int[] { 1,
			64, 64 }, ZarrCodec.NONE, ".", s -> {});
		final java.util.SplittableRandom r = new java.util.SplittableRandom(1);
		for (final long[] c : in.allChunks()) {
			final float[] v = new float[64 * 64];
			for (int i = 0; i < v.length; i++) v[i] = 200 + (i % 64 > 30 ? 500 : 0) + (float) (20 * r.nextGaussian());
			in.writeChunk(c, v);
		}
		assertEquals(0, run("restore-volume", "--input", tmp.resolve("in.zarr").toString(), "--output", tmp
			.resolve("out.zarr").toString(), "--device", "cpu", "--model", "ddpm-fluo"), err.toString());
		assertTrue(out.toString().contains("8 chunks restored"), out.toString());
		assertTrue(err.toString().contains("sampled over the volume") && err.toString().contains("block 8 of 8"),
			err.toString());
		final OmeZarr.Image img = OmeZarr.open(tmp.resolve("out.zarr"), 0, s -> {});
		assertArrayEquals(new long[] { 2, 70, 90 }, img.array().shape());
		assertEquals("zyx", img.axes().stream().map(OmeZarr.Axis::name).reduce("", String::concat));
		final float[] a = in.read(new long[3], new int[] { 2, 70, 90 }), b = img.array().read(new long[3],
			new int[] { 2, 70, 90 });
		double change = 0;
		for (int i = 0; i < a.length; i++) change += Math.abs(a[i] - b[i]);
		assertTrue(change / a.length > 5, "the output is the input: mean change " + change / a.length);
		assertTrue(Files.readString(tmp.resolve("out.zarr/.zattrs")).contains("model_sha256"));
	}

	/**
	 * Inpainting with a mask volume keeps every known voxel; super-resolution writes twice the rows and
	 * columns at half the pixel size; both record their task and its options.
	 */
	@Test
	void inpaintsWithAMaskAndSuperResolves() throws Exception {
		final ZarrArray in = ZarrArray.create(tmp.resolve("in.zarr"), new long[] { 1, 64, 80 }, new int[] { 1,
			64, 40 }, ZarrCodec.NONE, ".", s -> {});
		final ZarrArray mask = ZarrArray.create(tmp.resolve("mask.zarr"), new long[] { 1, 64, 80 }, new int[] {
			1, 32, 32 }, ZarrCodec.NONE, ".", s -> {});
		final float[] v = new float[64 * 80], m = new float[64 * 80];
		for (int i = 0; i < v.length; i++) {
			v[i] = 200 + (i % 80 > 30 ? 500 : 0) + 100 * (float) Math.sin(i / 80 * 0.3);
			m[i] = i / 80 >= 20 && i / 80 < 30 && i % 80 >= 35 && i % 80 < 47 ? 1 : 0;
		}
		final long[] shape = { 1, 64, 80 };
		for (final long[] c : in.allChunks()) in.writeChunk(c, ZarrArrayTest.chunkOf(v, shape, in.chunks(), c));
		for (final long[] c : mask.allChunks()) mask.writeChunk(c, ZarrArrayTest.chunkOf(m, shape, mask.chunks(), c));
		assertEquals(0, run("restore-volume", "--input", tmp.resolve("in.zarr").toString(), "--output", tmp
			.resolve("inpainted.zarr").toString(), "--task", "inpaint", "--mask", tmp.resolve("mask.zarr")
				.toString(), "--noise", "none", "--samples", "1", "--steps", "3", "--device", "cpu", "--model",
			"ddpm-fluo"), err.toString());
		final float[] got = OmeZarr.open(tmp.resolve("inpainted.zarr"), 0, s -> {}).array().read(new long[3],
			new int[] { 1, 64, 80 });
		double inHoles = 0;
		for (int i = 0; i < v.length; i++) {
			if (m[i] == 0) assertEquals(v[i], got[i], 0, "known voxel " + i);
			else inHoles += Math.abs(got[i] - 200);
		}
		assertTrue(inHoles > 0, "the holes were filled");
		final String attrs = Files.readString(tmp.resolve("inpainted.zarr/.zattrs"));
		assertTrue(attrs.contains("\"task\": \"inpaint\"") && attrs.contains("mask.zarr"), attrs);

		assertEquals(0, run("restore-volume", "--input", tmp.resolve("in.zarr").toString(), "--output", tmp
			.resolve("x2.zarr").toString(), "--task", "super-resolve", "--factor", "2", "--noise", "none",
			"--samples", "1", "--steps", "3", "--device", "cpu", "--model", "ddpm-fluo"), err.toString());
		final OmeZarr.Image x2 = OmeZarr.open(tmp.resolve("x2.zarr"), 0, s -> {});
		// Denoising samples with their spread in an image of its own.
		assertEquals(0, run("restore-volume", "--input", tmp.resolve("in.zarr").toString(), "--output", tmp
			.resolve("mean.zarr").toString(), "--std", tmp.resolve("spread.zarr").toString(), "--samples", "2",
			"--steps", "2", "--device", "cpu", "--model", "ddpm-fluo"), err.toString());
		final float[] spread = OmeZarr.open(tmp.resolve("spread.zarr"), 0, s -> {}).array().read(new long[3],
			new int[] { 1, 64, 80 });
		double sum = 0;
		for (final float d : spread) {
			assertTrue(d >= 0, "a standard deviation is not negative: " + d);
			sum += d;
		}
		assertTrue(sum / spread.length > 1, "mean spread " + sum / spread.length);
		assertEquals(2, run("restore-volume", "--input", tmp.resolve("in.zarr").toString(), "--output", tmp
			.resolve("m2.zarr").toString(), "--std", tmp.resolve("s2.zarr").toString()));
		assertTrue(err.toString().contains("at least 2 samples"), err.toString());
		assertArrayEquals(new long[] { 1, 128, 160 }, x2.array().shape());
		assertArrayEquals(new double[] { 1, 0.5, 0.5 }, x2.scale(), 1e-12);
		assertTrue(Files.readString(tmp.resolve("x2.zarr/.zattrs")).contains("\"factor\": 2"));
	}

	/** Unknown tasks, options of another task and HDF5-only options on Zarr input: usage errors before work. */
	@Test
	void refusesOptionsThatDoNotFit() {
		for (final List<String> args : List.of(List.of("--task", "deblur"), List.of("--mask", "m.zarr"), List.of(
			"--factor", "2"), List.of("--resample", "2"), List.of("--task", "super-resolve", "--factor", "3"), List
				.of("--axes", "zyx")))
		{
			final List<String> all = new java.util.ArrayList<>(List.of("restore-volume", "--input", tmp.resolve(
				"in.zarr").toString(), "--output", tmp.resolve("o.zarr").toString()));
			all.addAll(args);
			assertEquals(2, run(all.toArray(String[]::new)), err.toString());
			assertTrue(err.toString().contains(args.get(args.size() - 2)) || err.toString().contains("factor"),
				err.toString());
			assertTrue(!Files.exists(tmp.resolve("o.zarr")));
		}
		// An output inside the input would write among its chunks.
		assertEquals(2, run("restore-volume", "--input", tmp.resolve("in.zarr").toString(), "--output", tmp
			.resolve("in.zarr/0").toString()));
		assertTrue(err.toString().contains("outside the input"), err.toString());
	}
}
