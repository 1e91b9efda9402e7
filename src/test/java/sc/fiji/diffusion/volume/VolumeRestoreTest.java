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
import java.util.SplittableRandom;

import net.imglib2.Cursor;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sc.fiji.diffusion.benchmark.Metrics;
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
			final float[] s = SyntheticScenes.scene(SyntheticScenes.Kind.values()[z], Y, X, 100 + z);
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
		final List<ChannelSetup> setups = VolumeRestore.setUp(in, VolumeRestore.Task.denoise(), NoiseModel
			.parse("auto"), s -> {});
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
	 * Cancelled between blocks (as Esc in Fiji does): the chunks written stay, and the same run
	 * continues from them; an output folder that is a Zarr array of its own is refused, untouched.
	 */
	@Test
	void aCancelledRunContinuesAndAnotherArrayIsNotWrittenInto() throws Exception {
		final float[] data = new float[Z * Y * X];
		final OmeZarr.Image in = volume(data);
		final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 0);
		final Map<String, Object> settings = Map.of("task", "denoise");
		final NoiseModel noise = NoiseModel.parse("gaussian:40");
		assertThrows(java.util.concurrent.CancellationException.class, () -> VolumeRestore.restore(in,
			VolumeRestore.Task.denoise(), tmp.resolve("c.zarr"), noise, o, settings, s -> {}, (i, n) -> {
				if (i == 3) throw new java.util.concurrent.CancellationException("stopped");
			}));
		final List<String> log = new ArrayList<>();
		assertEquals(Z * 4 * 2 - 3, VolumeRestore.denoise(in, tmp.resolve("c.zarr"), noise, o, settings,
			log::add));
		assertTrue(log.stream().anyMatch(s -> s.contains("3 chunks were already written")), log.toString());
		final ZarrArray other = ZarrArray.create(tmp.resolve("other.zarr"), new long[] { Z, Y, X }, new int[] {
			1, 40, 56 }, ZarrCodec.NONE, ".", s -> {});
		final IOException e = assertThrows(IOException.class, () -> VolumeRestore.denoise(in, tmp.resolve(
			"other.zarr"), noise, o, settings, s -> {}));
		assertTrue(e.getMessage().contains("holds a Zarr array of its own"), e.getMessage());
		assertTrue(!Files.exists(tmp.resolve("other.zarr/.zattrs")) && other.allChunks().stream().noneMatch(
			other::hasChunk));
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

	// Inpainting and super-resolution block by block against the same volume in one block: the noise is
	// drawn by position, so the blocks agree with the whole where they meet. The volumes are wide enough
	// that a block with its context does not hold the whole row.

	private static final List<OmeZarr.Axis> ZYX = List.of(new OmeZarr.Axis("z", "space", "micrometer"),
		new OmeZarr.Axis("y", "space", "micrometer"), new OmeZarr.Axis("x", "space", "micrometer"));

	/** Scenes of two kinds side by side in z, values 100 + 1000 * scene. */
	private static float[] scenes(final int z, final int y, final int x) {
		final float[] v = new float[z * y * x];
		for (int k = 0; k < z; k++) {
			final float[] s = SyntheticScenes.scene(SyntheticScenes.Kind.values()[k + 1], y, x, 40 + k);
			for (int i = 0; i < s.length; i++) v[k * x * y + i] = 100 + 1000 * s[i];
		}
		return v;
	}

	private OmeZarr.Image write(final String name, final float[] v, final long[] shape, final int[] chunks)
		throws IOException
	{
		final OmeZarr.Image img = OmeZarr.create(tmp.resolve(name), ZYX, new double[] { 2, 0.4, 0.4 }, shape,
			chunks, null, s -> {});
		for (final long[] c : img.zarr().allChunks()) img.zarr().writeChunk(c, ZarrArrayTest.chunkOf(v, shape,
			chunks, c));
		return OmeZarr.open(tmp.resolve(name), 0, s -> {});
	}

	private float[] run(final OmeZarr.Image in, final VolumeRestore.Task task, final String out,
		final RestoreOptions o, final NoiseModel noise) throws IOException
	{
		VolumeRestore.restore(in, task, tmp.resolve(out), noise, o, Map.of("task", task.name()), s -> {},
			sc.fiji.diffusion.engine.SamplingListener.NONE);
		final OmeZarr.Image img = OmeZarr.open(tmp.resolve(out), 0, s -> {});
		final long[] shape = img.array().shape();
		return img.array().read(new long[3], new int[] { (int) shape[0], (int) shape[1], (int) shape[2] });
	}

	/**
	 * Mean of |e[i] - e[i - 1]| of the error e = out - truth across lines of one axis of the planes
	 * (rows or columns): at the block borders (lines i that start a chunk), and at the other lines of
	 * the same phase modulo {@code phase} (super-resolution's bins: a step across a bin's edge is
	 * larger than one inside it, with or without blocks); only between voxels both in {@code where}
	 * when given (inpainting's holes).
	 */
	private static double[] steps(final float[] out, final float[] truth, final int planes, final int h,
		final int w, final boolean columns, final int chunk, final int phase, final boolean[] where)
	{
		double border = 0, other = 0;
		long nb = 0, no = 0;
		final int lines = columns ? w : h, along = columns ? h : w;
		for (int p = 0; p < planes; p++) for (int i = 1; i < lines; i++) for (int j = 0; j < along; j++) {
			if (i % phase != 0) continue;
			final int a = columns ? p * h * w + j * w + i : p * h * w + i * w + j;
			final int b = columns ? a - 1 : a - w;
			if (where != null && !(where[a] && where[b])) continue;
			final double step = Math.abs((out[a] - truth[a]) - (out[b] - truth[b]));
			if (i % chunk == 0) {
				border += step;
				nb++;
			}
			else {
				other += step;
				no++;
			}
		}
		assertTrue(nb > 0 && no > 0, "lines of both kinds");
		return new double[] { border / nb, other / no };
	}

	/**
	 * No seams: across the block borders the blocks' error steps no more than across the other lines
	 * (of the same phase), plus 20%, and no more than the whole run's at the same lines, plus 20%; and
	 * the blocks differ from the whole run by far less than either differs from the truth.
	 */
	private static void seamless(final float[] blocks, final float[] whole, final float[] truth,
		final int planes, final int h, final int w, final boolean columns, final int chunk, final int phase,
		final boolean[] where)
	{
		final double[] a = steps(blocks, truth, planes, h, w, columns, chunk, phase, where), b = steps(whole,
			truth, planes, h, w, columns, chunk, phase, where);
		assertTrue(a[0] <= 1.2 * a[1], "error step across block borders " + a[0] + ", across other lines " +
			a[1]);
		assertTrue(a[0] <= 1.2 * b[0], "error step across block borders " + a[0] + ", the whole run's there " +
			b[0]);
		double diff = 0, err = 0;
		long n = 0;
		for (int i = 0; i < truth.length; i++) {
			if (where != null && !where[i]) continue;
			diff += Math.abs(blocks[i] - whole[i]);
			err += Math.abs(whole[i] - truth[i]);
			n++;
		}
		assertTrue(diff <= 0.1 * err, "blocks differ from the whole run by " + diff / n + " on average, the " +
			"whole run from the truth by " + err / n);
	}

	@Test
	void inpaintedBlocksAgreeWithTheWholeVolume() throws IOException {
		final int Z = 2, Y = 96, X = 512;
		final float[] truth = scenes(Z, Y, X);
		// Square holes, several across the chunks' borders (x = 128, 256, 384), in both planes.
		final float[] mask = new float[truth.length];
		final boolean[] hole = new boolean[truth.length];
		final int[][] squares = { { 20, 120 }, { 50, 250 }, { 10, 379 }, { 60, 40 }, { 30, 300 }, { 70, 470 } };
		for (int z = 0; z < Z; z++) for (final int[] q : squares) {
			for (int y = q[0]; y < q[0] + 12; y++) for (int x = q[1] + 3 * z; x < q[1] + 3 * z + 12; x++) {
				mask[z * X * Y + y * X + x] = 1;
				hole[z * X * Y + y * X + x] = true;
			}
		}
		final long[] shape = { Z, Y, X };
		final OmeZarr.Image blocks = write("in.zarr", truth, shape, new int[] { 1, Y, 128 });
		final OmeZarr.Image whole = write("whole.zarr", truth, shape, new int[] { Z, Y, X });
		final OmeZarr.Image m = write("mask.zarr", mask, shape, new int[] { 1, 48, 64 });
		final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 10).withSamples(2, false).withSeed(4);
		final NoiseModel none = NoiseModel.parse("none");
		final float[] a = run(blocks, VolumeRestore.Task.inpaint(m.array()), "a.zarr", o, none);
		final float[] b = run(whole, VolumeRestore.Task.inpaint(m.array()), "b.zarr", o, none);
		double max = 0;
		for (int i = 0; i < truth.length; i++) {
			if (!hole[i]) assertEquals(truth[i], a[i], 0, "known voxels come back as read");
			max = Math.max(max, Math.abs(a[i] - b[i]));
		}
		assertTrue(max > 0, "the blocks do not hold the whole rows: they must differ somewhere");
		final double pa = Metrics.psnr(a, truth, 1000, hole), pb = Metrics.psnr(b, truth, 1000, hole);
		assertTrue(Math.abs(pa - pb) <= 0.2, "hole PSNR blocks " + pa + " dB, whole " + pb + " dB");
		seamless(a, b, truth, Z, Y, X, true, 128, 1, hole);
	}

	@Test
	void superResolvedBlocksAgreeWithTheWholeVolume() throws IOException {
		final int Z = 1, Y = 96, X = 512, f = 2;
		final float[] truth = scenes(Z, Y, X);
		// The measurement: f x f block means.
		final float[] low = new float[Z * (Y / f) * (X / f)];
		for (int y = 0; y < Y; y++) for (int x = 0; x < X; x++) low[(y / f) * (X / f) + x / f] += truth[y * X +
			x] / (f * f);
		final long[] shape = { Z, Y / f, X / f };
		final OmeZarr.Image blocks = write("in.zarr", low, shape, new int[] { 1, 48, 128 });
		final OmeZarr.Image whole = write("whole.zarr", low, shape, new int[] { 1, Y / f, X / f });
		final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 10).withSamples(1, false).withSeed(4);
		final NoiseModel none = NoiseModel.parse("none");
		final float[] a = run(blocks, VolumeRestore.Task.superResolve(f), "a.zarr", o, none);
		final float[] b = run(whole, VolumeRestore.Task.superResolve(f), "b.zarr", o, none);
		final OmeZarr.Image out = OmeZarr.open(tmp.resolve("a.zarr"), 0, s -> {});
		assertArrayEquals(new long[] { Z, Y, X }, out.array().shape());
		assertArrayEquals(new int[] { 1, 48, 128 }, out.array().chunks());
		assertArrayEquals(new double[] { 2, 0.2, 0.2 }, out.scale(), 1e-12);
		final double pa = Metrics.psnr(a, truth, 1000), pb = Metrics.psnr(b, truth, 1000);
		assertTrue(Math.abs(pa - pb) <= 0.2, "PSNR blocks " + pa + " dB, whole " + pb + " dB");
		seamless(a, b, truth, Z, Y, X, true, 128, f, null);
		seamless(a, b, truth, Z, Y, X, false, 48, f, null);
	}

	@Test
	void aMaskOfAnotherShapeOrAnIntegerVolumeWithoutMaskIsRefused() throws IOException {
		final OmeZarr.Image in = write("in.zarr", scenes(1, 64, 64), new long[] { 1, 64, 64 }, new int[] { 1,
			64, 64 });
		final OmeZarr.Image m = write("m.zarr", new float[2 * 64 * 64], new long[] { 2, 64, 64 }, new int[] { 1,
			64, 64 });
		final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 2);
		final IOException e = assertThrows(IOException.class, () -> run(in, VolumeRestore.Task.inpaint(m
			.array()), "o.zarr", o, NoiseModel.parse("none")));
		assertTrue(e.getMessage().contains("[2, 64, 64] but the volume is [1, 64, 64]"), e.getMessage());
		java.nio.file.Files.createDirectories(tmp.resolve("u16.zarr"));
		java.nio.file.Files.writeString(tmp.resolve("u16.zarr/.zarray"), "{\"zarr_format\": 2, \"shape\": [64, 64], " +
			"\"chunks\": [64, 64], \"dtype\": \"<u2\", \"compressor\": null, \"fill_value\": 0, \"order\": \"C\", " +
			"\"filters\": null}");
		final List<String> log = new ArrayList<>();
		final OmeZarr.Image u = OmeZarr.open(tmp.resolve("u16.zarr"), 0, log::add);
		final IOException e2 = assertThrows(IOException.class, () -> run(u, VolumeRestore.Task.inpaint(null),
			"o2.zarr", o, NoiseModel.parse("none")));
		assertTrue(e2.getMessage().contains("give a mask"), e2.getMessage());
	}

	/**
	 * An output disk that fills up (a tmpfs of 160 KiB; the test needs root and is skipped where it
	 * cannot mount one): a message that says so and what to do, no partial file, every chunk under its
	 * final name complete; on a disk with room the same run continues from them.
	 */
	@Test
	void aFullDiskIsSaidAndLeavesOnlyWholeChunks() throws Exception {
		final Path disk = Files.createDirectories(tmp.resolve("small"));
		final Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", disk
			.toString()).redirectErrorStream(true).start();
		org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a small tmpfs here");
		try {
			final ZarrArray in = ZarrArray.create(tmp.resolve("wide.zarr"), new long[] { 1, 64, 1280 }, new int[] {
				1, 64, 64 }, ZarrCodec.NONE, ".", s -> {});
			final SplittableRandom r = new SplittableRandom(8);
			for (final long[] c : in.allChunks()) {
				final float[] v = new float[64 * 64];
				for (int i = 0; i < v.length; i++) v[i] = 300 + 200 * (float) Math.sin(i % 64 / 5.0) + (float) (20 * r
					.nextGaussian());
				in.writeChunk(c, v);
			}
			final OmeZarr.Image img = OmeZarr.open(tmp.resolve("wide.zarr"), 0, s -> {});
			final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 0);
			final Map<String, Object> settings = Map.of("task", "denoise");
			final IOException e = assertThrows(IOException.class, () -> VolumeRestore.denoise(img, disk.resolve(
				"out.zarr"), NoiseModel.parse("gaussian:20"), o, settings, s -> {}));
			assertTrue(e.getMessage().contains("is full") && e.getMessage().contains("run the same command again"),
				e.getMessage());
			final List<Path> files;
			try (java.util.stream.Stream<Path> all = Files.walk(disk)) {
				files = all.filter(Files::isRegularFile).toList();
			}
			assertTrue(files.stream().noneMatch(f -> f.getFileName().toString().contains(".partial")), files
				.toString());
			final OmeZarr.Image partial = OmeZarr.open(disk.resolve("out.zarr"), 0, s -> {});
			int whole = 0;
			for (final long[] c : partial.zarr().allChunks()) {
				if (!partial.zarr().hasChunk(c)) continue;
				partial.zarr().readChunk(c);
				whole++;
			}
			assertTrue(whole > 0 && whole < 20, whole + " chunks written");
			// Moved to a disk with room, the run continues from the chunks written.
			final Path roomy = tmp.resolve("moved.zarr");
			try (java.util.stream.Stream<Path> all = Files.walk(disk.resolve("out.zarr"))) {
				for (final Path f : all.toList()) {
					final Path to = roomy.resolve(disk.resolve("out.zarr").relativize(f).toString());
					if (Files.isDirectory(f)) Files.createDirectories(to);
					else Files.copy(f, to);
				}
			}
			assertEquals(20 - whole, VolumeRestore.denoise(img, roomy, NoiseModel.parse("gaussian:20"), o, settings,
				s -> {}));
		}
		finally {
			new ProcessBuilder("umount", disk.toString()).start().waitFor();
		}
	}
}
