package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary names, their clean-up on failure and on SIGTERM, and the stale-file rule. */
class PartialFilesTest {

	private static List<String> names(final Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}

	@Test
	void aFileIsWrittenUnderADotPartialNameWithoutAnImageEnding(@TempDir final Path dir)
		throws IOException
	{
		final Path out = dir.resolve("out.tif");
		final String[] seen = new String[1];
		PartialFiles.write(out, tmp -> {
			seen[0] = tmp.getFileName().toString();
			Files.writeString(tmp, "pixels");
		});
		assertTrue(seen[0].matches("\\.out\\.tif\\.partial-" + ProcessHandle.current().pid() +
			"-[0-9a-z]+"), seen[0]);
		assertEquals(List.of("out.tif"), names(dir));
		assertEquals("pixels", Files.readString(out));
	}

	@Test
	void aFailedWriteLeavesNothingAndKeepsTheOldFile(@TempDir final Path dir) throws IOException {
		final Path out = dir.resolve("out.tif");
		Files.writeString(out, "old");
		assertThrows(IOException.class, () -> PartialFiles.write(out, tmp -> {
			Files.writeString(tmp, "half");
			throw new IOException("disk full");
		}));
		assertEquals(List.of("out.tif"), names(dir));
		assertEquals("old", Files.readString(out));
	}

	@Test
	void aLaterRunRemovesOnlyPartialFilesOfDeadProcessesOrOlderThanADay(@TempDir final Path dir)
		throws IOException, InterruptedException
	{
		final Process gone = new ProcessBuilder("true").start();
		gone.waitFor();
		final long alive = ProcessHandle.current().pid();
		final Path dead = Files.writeString(dir.resolve(".out.tif.partial-" + gone.pid() + "-abc"), "x");
		final Path running = Files.writeString(dir.resolve(".out.tif.partial-" + alive + "-def"), "x");
		final Path old = Files.writeString(dir.resolve(".out.tif.partial-" + alive + "-ghi"), "x");
		Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(25))));
		final Path other = Files.writeString(dir.resolve(".other.tif.partial-" + gone.pid() + "-abc"),
			"x");
		final List<String> said = new ArrayList<>();
		PartialFiles.removeStale(dir.resolve("out.tif"), said::add);
		assertFalse(Files.exists(dead));
		assertFalse(Files.exists(old));
		assertTrue(Files.exists(running), "another writer's file is never removed while it runs");
		assertTrue(Files.exists(other), "only the output's own temporary files are touched");
		assertEquals(2, said.size(), said.toString());
		assertTrue(String.join("\n", said).contains("no longer runs") && String.join("\n", said)
			.contains("more than 24 h old"), said.toString());
	}

	/** Run in a child JVM: starts a write that never ends. */
	public static void main(final String[] args) throws IOException {
		PartialFiles.write(Paths.get(args[0]), tmp -> {
			Files.write(tmp, new byte[1 << 20]);
			System.out.println("writing");
			System.out.flush();
			try {
				Thread.sleep(Long.MAX_VALUE);
			}
			catch (final InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		});
	}

	@Test
	void sigtermDuringAWriteLeavesNoPartialFile(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("out.tif");
		final Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java")
			.toString(), "-cp", System.getProperty("java.class.path"), PartialFilesTest.class.getName(),
			out.toString()).redirectErrorStream(true).start();
		try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
			StandardCharsets.UTF_8)))
		{
			assertEquals("writing", r.readLine());
			assertEquals(1, names(dir).size(), names(dir).toString());
			p.destroy(); // SIGTERM, as a batch scheduler stops a job
			assertTrue(p.waitFor(30, TimeUnit.SECONDS));
		}
		finally {
			p.destroyForcibly();
		}
		assertEquals(List.of(), names(dir));
	}
}
