package sc.fiji.diffusion.commands;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * Runs an ImageJ macro as a user's ImageJ 1.x would: a separate JVM started as {@code ij.ImageJ
 * -batch}, under Xvfb when there is no display, with a plugins folder holding {@code Diffusion_IJ.jar}
 * (its {@code plugins.config}; the classes come from the test class path) and the shipped models.
 */
final class ImageJMacro {

	record Run(int exit, String output) {}

	private ImageJMacro() {}

	static Run run(final Path work, final String macro, final String argument) throws IOException,
		InterruptedException
	{
		final Path ijDir = work.resolve("ImageJ");
		final Path plugins = ijDir.resolve("plugins");
		Files.createDirectories(plugins);
		final Path jar = plugins.resolve("Diffusion_IJ.jar");
		if (!Files.exists(jar)) {
			try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
				out.putNextEntry(new JarEntry("plugins.config"));
				Files.copy(Paths.get("target", "classes", "plugins.config"), out);
				out.closeEntry();
			}
		}
		final Path file = work.resolve("test.ijm");
		Files.writeString(file, macro);
		final List<String> cmd = new ArrayList<>();
		if (System.getenv("DISPLAY") == null) {
			if (!Files.isExecutable(Paths.get("/usr/bin/xvfb-run"))) {
				throw new IllegalStateException("ImageJ's menus need a display: install xvfb " +
					"(apt-get install xvfb) or set DISPLAY.");
			}
			cmd.addAll(List.of("xvfb-run", "-a"));
		}
		cmd.addAll(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
			"-Xmx2g", "-Dai.djl.offline=true", "-Dplugins.dir=" + ijDir.toAbsolutePath(),
			"-Ddiffusion.models=" + Paths.get("models").toAbsolutePath(), "-cp", System.getProperty(
				"java.class.path"), "ij.ImageJ", "-batch", file.toAbsolutePath().toString()));
		if (argument != null) cmd.add(argument);
		return run(new ProcessBuilder(cmd).directory(work.toFile()), 10);
	}

	/** Runs a JVM to its end, its output and error in one text; a run that hangs fails instead. */
	static Run run(final ProcessBuilder command, final int minutes) throws IOException,
		InterruptedException
	{
		final Process p = command.redirectErrorStream(true).start();
		// Read on another thread, so that a macro stuck in a dialog fails the test instead of hanging it.
		final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		final Thread reader = new Thread(() -> {
			try (var in = p.getInputStream()) {
				in.transferTo(out);
			}
			catch (final IOException e) {
				// the process ended
			}
		});
		reader.start();
		if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
			p.descendants().forEach(ProcessHandle::destroyForcibly);
			p.destroyForcibly();
			throw new IllegalStateException("No end in " + minutes + " minutes:\n" + out);
		}
		reader.join(10_000);
		return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8));
	}
}
