package sc.fiji.diffusion.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Python with {@code zarr} and {@code h5py} (packages {@code python3-zarr},
 * {@code python3-h5py}), the established tools the volume formats are checked against. Where they
 * are missing the tests that need them are skipped, unless {@code DIFFUSION_REQUIRE_PYTHON=1} (set by
 * CI, which installs them), where they fail.
 */
final class Python {

	private static final String EXE = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3"
		: "python3";

	private Python() {}

	static void require(final String... modules) throws Exception {
		final StringBuilder code = new StringBuilder();
		for (final String m : modules) code.append("import ").append(m).append('\n');
		final boolean ok = run(code.toString(), Path.of(System.getProperty("java.io.tmpdir")), false) == 0;
		if (!ok && "1".equals(System.getenv("DIFFUSION_REQUIRE_PYTHON"))) {
			throw new AssertionError(EXE + " lacks " + String.join(", ", modules) + " (Debian: apt-get " +
				"install python3-zarr python3-h5py).");
		}
		Assumptions.assumeTrue(ok, EXE + " lacks " + String.join(", ", modules));
	}

	/** Runs a script in {@code dir}; fails the test with its output if it fails. */
	static void script(final String code, final Path dir) throws Exception {
		assertEquals(0, run(code, dir, true), "the Python script failed");
	}

	private static int run(final String code, final Path dir, final boolean show) throws Exception {
		final Path file = Files.createTempFile("diffusion-", ".py");
		try {
			Files.writeString(file, code, StandardCharsets.UTF_8);
			final Process p = new ProcessBuilder(List.of(EXE, file.toString())).directory(dir.toFile())
				.redirectErrorStream(true).start();
			final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!p.waitFor(120, TimeUnit.SECONDS)) {
				p.destroyForcibly();
				throw new AssertionError("Python did not finish in 120 s");
			}
			if (p.exitValue() != 0 && show) System.err.println(out);
			return p.exitValue();
		}
		catch (final IOException e) {
			return -1;
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

	/** Little-endian float32 values written by {@code numpy.ndarray.tofile}. */
	static float[] floats(final Path file) throws IOException {
		final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
		final float[] f = new float[b.remaining() / 4];
		b.asFloatBuffer().get(f);
		return f;
	}
}
