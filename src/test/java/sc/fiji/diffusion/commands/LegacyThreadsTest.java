package sc.fiji.diffusion.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;

import org.junit.jupiter.api.Test;

/**
 * The command's own check of macro keys where Fiji runs it: on a SciJava thread, with ImageJ 1.x
 * patched by ij1-patcher (see {@link LegacyThreads}). The unpatched run is the control: there the
 * command thread sees no options, so the check depends on the patched lookup and nothing else.
 */
class LegacyThreadsTest {

	private static String run(final String mode, final String options) throws Exception {
		return ImageJMacro.run(new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java")
			.toString(), "-Xmx2g", "--add-opens=java.base/java.lang=ALL-UNNAMED",
			"-Djava.awt.headless=true", "-Dai.djl.offline=true", "-Ddiffusion.models=" + Paths.get("models")
				.toAbsolutePath(), "-cp", System.getProperty("java.class.path"), LegacyThreads.class.getName(),
			mode, options), 5).output();
	}

	private static String line(final String output, final String key) {
		return output.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() +
			1)).findFirst().orElseThrow(() -> new AssertionError("no " + key + " in:\n" + output));
	}

	@Test
	void onFijisThreadsTheCommandSeesTheMacroOptionsAndRefusesAnUnknownKey() throws Exception {
		final String out = run("patched", "noise=gaussian:20 stesp=3");
		final String reason = line(out, "reason");
		assertTrue(reason.contains("Unknown key stesp") && reason.contains("Accepted keys: device, image"),
			out);
		assertEquals("none", line(out, "restored"), out);
	}

	@Test
	void onFijisThreadsKnownKeysPass() throws Exception {
		final String out = run("patched", "noise=gaussian:20 device=CPU");
		assertEquals("null", line(out, "reason"), out);
		assertEquals("sample image-denoised", line(out, "restored"), out);
	}

	@Test
	void withoutThePatchTheCommandThreadSeesNoOptions() throws Exception {
		// The control: an unpatched ImageJ 1.x answers only on the macro's own thread, so the same
		// options pass unseen. The refusal above comes from the patched lookup.
		final String out = run("plain", "noise=gaussian:20 stesp=3");
		assertEquals("null", line(out, "reason"), out);
		assertTrue(!line(out, "restored").equals("none"), out);
	}
}
