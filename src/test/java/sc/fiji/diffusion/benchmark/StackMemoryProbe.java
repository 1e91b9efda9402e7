package sc.fiji.diffusion.benchmark;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ShortProcessor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A large stack through the CLI's {@code denoise} (issue 12, point 6): a uint16 TIFF stack of
 * {@code --planes} planes of {@code --side}^2 (a smooth pattern with Gaussian noise; 1000 of 1000^2
 * are 2.0 GB) is generated here, then denoised in a JVM of its own while its peak resident set is read
 * from {@code /proc}. Run (with a heap for the generated stack, e.g. -Xmx4g):
 *
 * <pre>
 * java -Xmx4g -cp CLASSPATH sc.fiji.diffusion.benchmark.StackMemoryProbe --jar diffusion-ij-cli.jar
 *   --dir /tmp/stack --planes 1000 --side 1000 [denoise's options, e.g. --device gpu --noise gaussian:30]
 * </pre>
 */
public final class StackMemoryProbe {

	public static void main(final String[] args) throws Exception {
		String jar = "target/diffusion-ij-cli.jar";
		Path dir = Path.of("/tmp/stack-probe");
		int planes = 1000, side = 1000;
		final List<String> cli = new ArrayList<>();
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--jar" -> jar = args[++i];
				case "--dir" -> dir = Path.of(args[++i]);
				case "--planes" -> planes = Integer.parseInt(args[++i]);
				case "--side" -> side = Integer.parseInt(args[++i]);
				default -> cli.add(args[i]);
			}
		}
		Files.createDirectories(dir);
		final Path in = dir.resolve("stack.tif"), out = dir.resolve("denoised.tif");
		final long t0 = System.nanoTime();
		final int n = side;
		final ImageStack stack = new ImageStack(n, n);
		final short[][] pixels = new short[planes][];
		IntStream.range(0, planes).parallel().forEach(z -> {
			final SplittableRandom r = new SplittableRandom(z * 0x9E3779B97F4A7C15L + 7);
			final short[] p = new short[n * n];
			for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) {
				final double v = 200 + 800 * (0.5 + 0.5 * Math.sin(x / 17.0 + z * 0.05) * Math.cos(y / 23.0)) + 30 * r
					.nextGaussian();
				p[y * n + x] = (short) Math.max(0, Math.min(65535, Math.round(v)));
			}
			pixels[z] = p;
		});
		for (final short[] p : pixels) stack.addSlice(new ShortProcessor(n, n, p, null));
		new FileSaver(new ImagePlus("stack", stack)).saveAsTiffStack(in.toString());
		System.out.printf(Locale.ROOT, "generated %d planes of %d^2 (%.2f GB) in %.1f s%n", planes, n, Files.size(
			in) / 1e9, (System.nanoTime() - t0) / 1e9);
		final List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
			"-jar", jar, "denoise", "--input", in.toString(), "--output", out.toString()));
		cmd.addAll(cli);
		final ChildPeak r = ChildPeak.run(cmd, dir.resolve("log.txt"));
		ChildPeak.tail(dir.resolve("log.txt"), 6).forEach(System.out::println);
		System.out.printf(Locale.ROOT, "| input (GB) | output (GB) | planes | seconds | s per plane | peak RSS (MB) " +
			"| exit |%n| %.2f | %.2f | %d | %.1f | %.4f | %d | %d |%n", Files.size(in) / 1e9, Files.exists(out) ? Files
				.size(out) / 1e9 : 0, planes, r.seconds(), r.seconds() / planes, r.peakKb() / 1024, r.exit());
	}

	private StackMemoryProbe() {}
}
