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

	/** Tasks not built for volumes and HDF5-only options on Zarr input are usage errors before work. */
	@Test
	void refusesWhatIsNotBuilt() {
		for (final List<String> args : List.of(List.of("--task", "inpaint"), List.of("--axes", "zyx"))) {
			final List<String> all = new java.util.ArrayList<>(List.of("restore-volume", "--input", tmp.resolve(
				"in.zarr").toString(), "--output", tmp.resolve("o.zarr").toString()));
			all.addAll(args);
			assertEquals(2, run(all.toArray(String[]::new)), err.toString());
			assertTrue(err.toString().contains(args.get(0)), err.toString());
			assertTrue(!Files.exists(tmp.resolve("o.zarr")));
		}
	}
}
