package sc.fiji.diffusion.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import net.imglib2.Cursor;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.data.SyntheticScenes;
import sc.fiji.diffusion.model.ModelFolder;
import sc.fiji.diffusion.restore.ChannelSetup;
import sc.fiji.diffusion.restore.Denoise;
import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.RestoreOptions;

class VolumeRestoreTest {

	@TempDir
	Path tmp;

	private static NetworkDenoiser model;

	@BeforeAll
	static void load() throws IOException {
		model = ModelFolder.load(Path.of("models/ddpm-fluo"), ai.djl.Device.cpu());
	}

	@AfterAll
	static void close() {
		model.close();
	}

	private static final int Z = 3, Y = 122, X = 101;

	/** A noisy z-stack of synthetic scenes as a float32 OME-Zarr image, chunks of (1, 40, 56). */
	private OmeZarr.Image volume(final float[] data) throws IOException {
		final SplittableRandom r = new SplittableRandom(3);
		for (int z = 0; z < Z; z++) {
			final float[] s = SyntheticScenes.scene(SyntheticScenes.Kind.values()[z], X, Y, 100 + z);
			for (int i = 0; i < s.length; i++) data[z * X * Y + i] = 100 + 1000 * s[i] + (float) (40 * r
				.nextGaussian());
		}
		final List<OmeZarr.Axis> axes = List.of(new OmeZarr.Axis("z", "space", "micrometer"),
			new OmeZarr.Axis("y", "space", "micrometer"), new OmeZarr.Axis("x", "space", "micrometer"));
		final OmeZarr.Image in = OmeZarr.create(tmp.resolve("in.zarr"), axes, new double[] { 2, 0.3, 0.3 },
			new long[] { Z, Y, X }, new int[] { 1, 40, 56 }, null, s -> {});
		for (final long[] c : in.zarr().allChunks()) {
			in.zarr().writeChunk(c, ZarrArrayTest.chunkOf(data, new long[] { Z, Y, X }, new int[] { 1, 40,
				56 }, c));
		}
		return OmeZarr.open(tmp.resolve("in.zarr"), 0, s -> {});
	}

	/**
	 * Block by block equals the whole volume restored at once with the same (sampled) noise model and
	 * normalization, to 1e-4 of the data range: the blocks' windows sit on the whole image's lattice.
	 * Stopped after some chunks (one removed) and started again, only the missing chunk is redone;
	 * other settings refuse to continue the output; the input is unchanged.
	 */
	@Test
	void blocksGiveTheWholeVolumesResult() throws Exception {
		final float[] data = new float[Z * Y * X];
		final OmeZarr.Image in = volume(data);
		final byte[] inputMeta = Files.readAllBytes(tmp.resolve("in.zarr/0/.zarray"));
		final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 0);
		final Map<String, Object> settings = Map.of("task", "denoise", "model", "ddpm-fluo");
		final List<String> log = new ArrayList<>();
		final int blocks = VolumeRestore.denoise(in, tmp.resolve("out.zarr"), NoiseModel.parse("auto"), o,
			settings, log::add);
		assertEquals(Z * 4 * 2, blocks);
		assertTrue(log.stream().anyMatch(s -> s.contains("estimated") && s.contains("sampled over the volume")),
			log.toString());
		final OmeZarr.Image out = OmeZarr.open(tmp.resolve("out.zarr"), 0, s -> {});
		final float[] got = out.array().read(new long[3], new int[] { Z, Y, X });
		// The whole volume at once, with the same setup.
		final List<ChannelSetup> setups = VolumeRestore.setUp(in, NoiseModel.parse("auto"), s -> {});
		final Cursor<FloatType> whole = Views.flatIterable(Denoise.run(ArrayImgs.floats(data.clone(), X, Y, Z),
			-1, NoiseModel.parse("auto"), o.withChannels(setups)).image()).cursor();
		double worst = 0, lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
		for (int i = 0; whole.hasNext(); i++) {
			final float w = whole.next().get();
			worst = Math.max(worst, Math.abs(w - got[i]));
			lo = Math.min(lo, data[i]);
			hi = Math.max(hi, data[i]);
		}
		assertTrue(worst <= 1e-4 * (hi - lo), "blocks differ from the whole volume by " + worst + " (range " +
			(hi - lo) + ")");
		// The result is a restoration, not the input: it is far smoother.
		double change = 0;
		for (int i = 0; i < data.length; i++) change += Math.abs(got[i] - data[i]);
		assertTrue(change / data.length > 10, "mean change " + change / data.length);

		Files.delete(tmp.resolve("out.zarr/0/1/2/1"));
		final List<String> again = new ArrayList<>();
		assertEquals(1, VolumeRestore.denoise(in, tmp.resolve("out.zarr"), NoiseModel.parse("auto"), o,
			settings, again::add));
		assertTrue(again.stream().anyMatch(s -> s.contains("23 chunks were already written")), again.toString());
		final float[] redone = OmeZarr.open(tmp.resolve("out.zarr"), 0, s -> {}).array().read(new long[3],
			new int[] { Z, Y, X });
		assertEquals(0, java.util.Arrays.compare(got, redone));

		final IOException refused = assertThrows(IOException.class, () -> VolumeRestore.denoise(in, tmp
			.resolve("out.zarr"), NoiseModel.parse("gaussian:30"), o, settings, s -> {}));
		assertTrue(refused.getMessage().contains("other settings"), refused.getMessage());
		assertEquals(0, java.util.Arrays.compare(inputMeta, Files.readAllBytes(tmp.resolve(
			"in.zarr/0/.zarray"))));
	}

	/**
	 * A damaged input chunk fails its block twice and is named; the chunks before it stay written, the
	 * failed one is absent (never half-written), and nothing else was left behind.
	 */
	@Test
	void aFailingBlockIsNamedAndNothingIsHalfWritten() throws Exception {
		final ZarrArray in = ZarrArray.create(tmp.resolve("raw.zarr"), new long[] { 1, 64, 320 }, new int[] {
			1, 64, 64 }, ZarrCodec.NONE, ".", s -> {});
		final SplittableRandom r = new SplittableRandom(2);
		for (final long[] c : in.allChunks()) {
			final float[] v = new float[64 * 64];
			for (int i = 0; i < v.length; i++) v[i] = 100 + (i / 64 > 20 ? 300 : 0) + (float) (10 * r.nextGaussian());
			in.writeChunk(c, v);
		}
		final OmeZarr.Image img = OmeZarr.open(tmp.resolve("raw.zarr"), 0, s -> {});
		// The last chunk, which the sampled tiles (at x 64 and 192) do not touch; the block of chunk 3
		// reads it as its halo.
		Files.write(tmp.resolve("raw.zarr/0.0.4"), new byte[100]);
		final List<String> log = new ArrayList<>();
		final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 0);
		final IOException e = assertThrows(IOException.class, () -> VolumeRestore.denoise(img, tmp.resolve(
			"o.zarr"), NoiseModel.parse("gaussian:10"), o, Map.of("task", "denoise"), log::add));
		assertTrue(e.getMessage().contains("Chunk 0/0/3") && e.getMessage().contains("failed twice"), e
			.getMessage());
		assertTrue(log.stream().anyMatch(s -> s.contains("trying again")), log.toString());
		assertTrue(Files.isRegularFile(tmp.resolve("o.zarr/0/0/0/2")));
		assertTrue(!Files.exists(tmp.resolve("o.zarr/0/0/0/3")));
		try (java.util.stream.Stream<Path> files = Files.walk(tmp.resolve("o.zarr"))) {
			assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".partial")));
		}
	}
}
