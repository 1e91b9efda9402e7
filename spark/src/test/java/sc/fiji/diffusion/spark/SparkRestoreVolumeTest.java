package sc.fiji.diffusion.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.apache.spark.SparkConf;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.diffusion.cli.Main;
import sc.fiji.diffusion.volume.OmeZarr;
import sc.fiji.diffusion.volume.ZarrArray;
import sc.fiji.diffusion.volume.ZarrCodec;

/**
 * The Spark job through {@code spark-submit}'s own entry point ({@code SparkSubmit}) in a JVM of its
 * own, with Spark 4's --add-opens, on {@code local[2]}: the same output as the CLI's single-machine
 * run, also when Spark retries a failed task.
 */
class SparkRestoreVolumeTest {

	@TempDir
	Path tmp;

	/** The JVM options Spark 4's launcher passes on Java 17 (its module access). */
	static final List<String> ADD_OPENS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
		"--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
		"--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
		"--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
		"--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
		"--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
		"--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
		"--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
		"--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false",
		"-Dio.netty.tryReflectionSetAccessible=true");

	/** A uint-valued two-plane volume in chunks of 1 x 48 x 80: eight blocks. */
	private Path volume() throws IOException {
		final long[] shape = { 2, 96, 160 };
		final ZarrArray in = ZarrArray.create(tmp.resolve("in.zarr"), shape, new int[] { 1, 48, 80 },
			ZarrCodec.NONE, ".", s -> {});
		final SplittableRandom r = new SplittableRandom(5);
		for (final long[] c : in.allChunks()) {
			final float[] v = new float[48 * 80];
			for (int i = 0; i < v.length; i++) {
				final int y = (int) c[1] * 48 + i / 80, x = (int) c[2] * 80 + i % 80;
				v[i] = 200 + (float) (400 * Math.sin(x / 9.0 + c[0]) * Math.cos(y / 13.0)) + (float) (25 * r
					.nextGaussian());
			}
			in.writeChunk(c, v);
		}
		return tmp.resolve("in.zarr");
	}

	private String[] options(final Path in, final Path out) {
		return new String[] { "--input", in.toString(), "--output", out.toString(), "--device", "cpu",
			"--model", "ddpm-fluo", "--noise", "gaussian:25" };
	}

	/** spark-submit in a JVM of its own; returns its exit code, its output in {@code log}. */
	private int submit(final String master, final String[] options, final List<String> jvm,
		final StringBuilder log) throws Exception
	{
		final Path primary = tmp.resolve("job.jar");
		if (!Files.exists(primary)) {
			try (java.util.jar.JarOutputStream j = new java.util.jar.JarOutputStream(Files.newOutputStream(
				primary)))
			{
				// An empty primary jar: the job's classes are on this JVM's class path.
			}
		}
		final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
			.toString()));
		cmd.addAll(ADD_OPENS);
		cmd.addAll(jvm);
		cmd.addAll(List.of("-Dai.djl.offline=true", "-Xmx2g", "-cp", System.getProperty("java.class.path"),
			"org.apache.spark.deploy.SparkSubmit", "--master", master, "--conf", "spark.ui.enabled=false",
			"--conf", "spark.driver.host=127.0.0.1", "--class", SparkRestoreVolume.class.getName(), primary
				.toString()));
		cmd.addAll(List.of(options));
		final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
		final byte[] out = p.getInputStream().readAllBytes();
		assertTrue(p.waitFor(5, TimeUnit.MINUTES), "spark-submit did not finish");
		log.append(new String(out, StandardCharsets.UTF_8));
		return p.exitValue();
	}

	private static float[] read(final Path zarr) throws IOException {
		final OmeZarr.Image img = OmeZarr.open(zarr, 0, s -> {});
		return img.array().read(new long[3], new int[] { 2, 96, 160 });
	}

	@Test
	void sparkLocal2GivesTheSingleMachineResultAlsoWhenATaskIsRetried() throws Exception {
		final Path in = volume();
		final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		final List<String> cli = new ArrayList<>(List.of("restore-volume"));
		cli.addAll(List.of(options(in, tmp.resolve("one.zarr"))));
		assertEquals(0, Main.run(cli.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
			new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
		final float[] one = read(tmp.resolve("one.zarr"));

		final StringBuilder log = new StringBuilder();
		// local[2,2]: two task slots, a failed task tried twice; the first task's first attempt fails
		// after writing its first chunk.
		assertEquals(0, submit("local[2,2]", options(in, tmp.resolve("spark.zarr")), List.of(
			"-Ddiffusion.spark.failFirstAttempt=true"), log), log.toString());
		assertTrue(log.toString().contains("injected failure"), "the task did not fail: " + log);
		assertTrue(log.toString().contains("(7 chunks restored)"), "the retry must skip the chunk the failed " +
			"attempt wrote: " + log);
		final float[] spark = read(tmp.resolve("spark.zarr"));
		double worst = 0;
		for (int i = 0; i < one.length; i++) worst = Math.max(worst, Math.abs(one[i] - spark[i]));
		// PyTorch's thread count differs between the two runs: sums in another order.
		assertTrue(worst <= 1e-4 * 800, "Spark differs from the single-machine run by " + worst);
		try (java.util.stream.Stream<Path> files = Files.walk(tmp.resolve("spark.zarr"))) {
			assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".partial")));
		}
		// Submitted again: nothing left to do.
		final StringBuilder again = new StringBuilder();
		assertEquals(0, submit("local[2]", options(in, tmp.resolve("spark.zarr")), List.of(), again), again
			.toString());
		assertTrue(again.toString().contains("is written already"), again.toString());
	}

	@Test
	void aTaskTakesTheGpuSparkAssignsItAndOtherwiseTheCpu() {
		final Map<String, ResourceInformation> gpu = Map.of("gpu", new ResourceInformation("gpu", new String[] {
			"3", "5" }));
		assertEquals(Device.gpu(3), SparkRestoreVolume.device(gpu, "auto"));
		assertEquals(Device.gpu(3), SparkRestoreVolume.device(gpu, "gpu"));
		assertEquals(Device.cpu(), SparkRestoreVolume.device(gpu, "cpu"));
		assertEquals(Device.cpu(), SparkRestoreVolume.device(Map.of(), "auto"));
		assertEquals(Device.cpu(), SparkRestoreVolume.device(null, "auto"));
		final IllegalStateException e = assertThrows(IllegalStateException.class, () -> SparkRestoreVolume
			.device(Map.of(), "gpu"));
		assertTrue(e.getMessage().contains("spark.task.resource.gpu.amount"), e.getMessage());

		final SparkConf conf = new SparkConf(false);
		assertTrue(!SparkRestoreVolume.executorsGetGpus(conf, "auto"));
		assertTrue(SparkRestoreVolume.executorsGetGpus(conf.clone().set("spark.task.resource.gpu.amount", "1"),
			"auto"));
		assertTrue(!SparkRestoreVolume.executorsGetGpus(conf.clone().set("spark.task.resource.gpu.amount", "1"),
			"cpu"));
		assertEquals(3, SparkRestoreVolume.threadsPerTask(conf.clone().set("spark.master", "yarn").set(
			"spark.task.cpus", "3"), 8));
		assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), SparkRestoreVolume
			.threadsPerTask(conf.clone().set("spark.master", "local[2]"), 2));
	}
}
