package sc.fiji.diffusion.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A command in a process of its own, with its peak resident set read from {@code /proc} (VmHWM) every
 * 100 ms until it exits: the memory probes' measurement (Linux only).
 */
public record ChildPeak(int exit, double seconds, long peakKb) {

	/** Runs {@code cmd} with its output in {@code log}. */
	public static ChildPeak run(final List<String> cmd, final Path log) throws IOException,
		InterruptedException
	{
		final long t0 = System.nanoTime();
		final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		long peak = 0;
		final Path status = Path.of("/proc/" + p.pid() + "/status");
		while (p.isAlive()) {
			try {
				for (final String line : Files.readAllLines(status)) {
					if (line.startsWith("VmHWM:")) peak = Math.max(peak, Long.parseLong(line.replaceAll("\\D", "")));
				}
			}
			catch (final IOException e) {
				// The child exited between the check and the read.
			}
			Thread.sleep(100);
		}
		return new ChildPeak(p.exitValue(), (System.nanoTime() - t0) / 1e9, peak);
	}

	/** The last lines of a log, for a failed run's report. */
	public static List<String> tail(final Path log, final int lines) throws IOException {
		final List<String> all = Files.readAllLines(log);
		return all.subList(Math.max(0, all.size() - lines), all.size());
	}
}
