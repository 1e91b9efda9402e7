package sc.fiji.diffusion.volume;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Peak resident memory of {@code restore-volume} as the volume grows (issue 13, point 5): for each
 * size, a uint16 volume of 2048 x 2048 planes is generated (raw Zarr chunks of one plane each, a
 * smooth pattern with Gaussian noise), then the CLI restores it in a child JVM with the heap given,
 * while this probe reads the child's peak resident set (VmHWM in /proc) until it exits. One line per
 * size, printed as it finishes. Input and output are deleted after each size. Run:
 *
 * <pre>
 * java -cp CLASSPATH sc.fiji.diffusion.volume.VolumeMemoryProbe --jar diffusion-ij-cli.jar
 *   --dir /tmp/vol --sizes 0.25,0.5,1,2,4 --xmx 2g [CLI options, e.g. --device gpu --model ddpm-fluo]
 * </pre>
 */
public final class VolumeMemoryProbe {

	static final int SIDE = 2048, CHUNK = 2048;

	public static void main(final String[] args) throws Exception {
		String jar = "target/diffusion-ij-cli.jar", xmx = "2g";
		Path dir = Path.of("/tmp/volume-probe");
		double[] sizes = { 0.25, 0.5, 1, 2, 4 };
		final List<String> cli = new ArrayList<>();
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--jar" -> jar = args[++i];
				case "--dir" -> dir = Path.of(args[++i]);
				case "--xmx" -> xmx = args[++i];
				case "--sizes" -> sizes = java.util.Arrays.stream(args[++i].split(",")).mapToDouble(Double::parseDouble)
					.toArray();
				default -> cli.add(args[i]);
			}
		}
		final String java = ProcessHandle.current().info().command().orElse("java");
		System.out.println("| input (GB, uint16) | planes of 2048^2 | blocks | seconds | blocks/s | peak RSS (MB) |");
		System.out.println("| --- | --- | --- | --- | --- | --- |");
		for (final double gb : sizes) {
			final int planes = (int) Math.max(1, Math.round(gb * 1e9 / (2.0 * SIDE * SIDE)));
			final Path in = dir.resolve("in.zarr"), out = dir.resolve("out.zarr");
			delete(dir);
			generate(in, planes);
			final List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + xmx, "-jar", jar, "restore-volume",
				"--input", in.toString(), "--output", out.toString()));
			cmd.addAll(cli);
			final sc.fiji.diffusion.benchmark.ChildPeak r = sc.fiji.diffusion.benchmark.ChildPeak.run(cmd, dir
				.resolve("log.txt"));
			final double s = r.seconds();
			final long peak = r.peakKb();
			final int blocks = planes * (SIDE / CHUNK) * (SIDE / CHUNK);
			if (r.exit() != 0) {
				System.out.println("FAILED at " + gb + " GB (exit " + r.exit() + "):");
				sc.fiji.diffusion.benchmark.ChildPeak.tail(dir.resolve("log.txt"), 20).forEach(System.out::println);
				return;
			}
			System.out.printf(Locale.ROOT, "| %.2f | %d | %d | %.1f | %.2f | %d |%n", 2.0 * planes * SIDE * SIDE /
				1e9, planes, blocks, s, blocks / s, peak / 1024);
			delete(dir);
		}
	}

	/** A raw little-endian uint16 Zarr v2 array of the given planes, chunks written in parallel. */
	static void generate(final Path dir, final int planes) throws IOException {
		Files.createDirectories(dir);
		Files.writeString(dir.resolve(".zarray"), String.format(Locale.ROOT, "{\"zarr_format\": 2, \"shape\": " +
			"[%d, %d, %d], \"chunks\": [1, %d, %d], \"dtype\": \"<u2\", \"compressor\": null, \"fill_value\": 0, " +
			"\"order\": \"C\", \"filters\": null}", planes, SIDE, SIDE, CHUNK, CHUNK), StandardCharsets.UTF_8);
		final int per = SIDE / CHUNK;
		IntStream.range(0, planes * per * per).parallel().forEach(k -> {
			final int z = k / (per * per), cy = k / per % per, cx = k % per;
			final SplittableRandom r = new SplittableRandom(k * 0x9E3779B97F4A7C15L + 1);
			final ByteBuffer b = ByteBuffer.allocate(2 * CHUNK * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
			for (int y = 0; y < CHUNK; y++) for (int x = 0; x < CHUNK; x++) {
				final int gy = cy * CHUNK + y, gx = cx * CHUNK + x;
				final double v = 200 + 800 * (0.5 + 0.5 * Math.sin(gx / 17.0 + z * 0.1) * Math.cos(gy / 23.0)) + 30 *
					r.nextGaussian();
				b.putShort((short) Math.max(0, Math.min(65535, Math.round(v))));
			}
			try {
				Files.write(dir.resolve(z + "." + cy + "." + cx), b.array());
			}
			catch (final IOException e) {
				throw new java.io.UncheckedIOException(e);
			}
		});
	}

	static void delete(final Path dir) throws IOException {
		if (!Files.exists(dir)) return;
		try (Stream<Path> all = Files.walk(dir)) {
			for (final Path p : all.sorted(Comparator.reverseOrder()).toList()) if (!p.equals(dir)) Files.delete(p);
		}
	}

	private VolumeMemoryProbe() {}
}
