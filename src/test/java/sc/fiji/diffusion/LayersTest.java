package sc.fiji.diffusion;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The architecture's layers, checked on the sources: data flows down, never up. The engine knows no
 * ImageJ, ImgLib2 or SciJava type; the restore layer no ImageJ 1.x type and no command.
 */
class LayersTest {

	static final Path ROOT = Paths.get("src", "main", "java", "sc", "fiji", "diffusion");

	static List<String> offenders(final String layer, final String... forbidden) throws IOException {
		final List<String> bad = new ArrayList<>();
		try (Stream<Path> files = Files.walk(ROOT.resolve(layer))) {
			for (final Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
				for (final String line : Files.readAllLines(f)) {
					for (final String prefix : forbidden) {
						if (line.startsWith("import " + prefix)) bad.add(f + ": " + line);
					}
				}
			}
		}
		return bad;
	}

	@Test
	void theEngineImportsNoImageJImgLib2OrSciJava() throws IOException {
		final List<String> bad = offenders("engine", "ij.", "net.imglib2", "org.scijava", "net.imagej",
			"sc.fiji.diffusion.restore", "sc.fiji.diffusion.model", "sc.fiji.diffusion.cli",
			"sc.fiji.diffusion.ij", "sc.fiji.diffusion.commands");
		assertTrue(bad.isEmpty(), String.join("\n", bad));
	}

	@Test
	void modelsKnowOnlyTheEngine() throws IOException {
		final List<String> bad = offenders("model", "ij.", "net.imglib2", "org.scijava",
			"sc.fiji.diffusion.restore", "sc.fiji.diffusion.cli", "sc.fiji.diffusion.ij",
			"sc.fiji.diffusion.commands");
		assertTrue(bad.isEmpty(), String.join("\n", bad));
	}

	@Test
	void restorationWorksOnImgLib2NotOnImageJ1OrCommands() throws IOException {
		final List<String> bad = offenders("restore", "ij.", "org.scijava", "sc.fiji.diffusion.cli",
			"sc.fiji.diffusion.ij", "sc.fiji.diffusion.commands");
		assertTrue(bad.isEmpty(), String.join("\n", bad));
	}

	@Test
	void theImageJ1HelpersAndTheCommandLineUseNoCommand() throws IOException {
		final List<String> bad = offenders("ij", "sc.fiji.diffusion.commands", "sc.fiji.diffusion.cli",
			"org.scijava");
		bad.addAll(offenders("cli", "sc.fiji.diffusion.commands", "org.scijava"));
		assertTrue(bad.isEmpty(), String.join("\n", bad));
	}
}
