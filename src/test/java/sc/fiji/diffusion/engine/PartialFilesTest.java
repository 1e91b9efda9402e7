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

	/**
	 * A full disk, as the operating system reports it: the writer has written part of the file when
	 * a write fails with ENOSPC (Linux's /dev/full answers every write so).
	 */
	@Test
	void aFullDiskSaysSoAndLeavesNothingUnderTheFinalName(@TempDir final Path dir) throws IOException {
		org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Paths.get("/dev/full")), "needs /dev/full");
		final Path out = dir.resolve("out.tif"), kept = dir.resolve("kept.tif");
		Files.writeString(kept, "old");
		for (final Path target : List.of(out, kept)) {
			final IOException e = assertThrows(IOException.class, () -> PartialFiles.write(target, tmp -> {
				Files.write(tmp, new byte[1 << 16]);
				try (java.io.OutputStream full = new java.io.FileOutputStream("/dev/full")) {
					full.write(new byte[1 << 16]);
				}
			}));
			assertTrue(e.getMessage().startsWith("Cannot write " + target + ": No space left on device. " +
				"Nothing was written under that name"), e.getMessage());
			assertFalse(e.getMessage().contains(".partial-"), e.getMessage());
		}
		assertEquals(List.of("kept.tif"), names(dir));
		assertEquals("old", Files.readString(kept));
	}

	@Test
	void aWriteCancelledMidwayLeavesNothingAndKeepsTheOldFile(@TempDir final Path dir)
		throws IOException
	{
		final Path out = Files.writeString(dir.resolve("out.tif"), "old");
		assertThrows(java.util.concurrent.CancellationException.class, () -> PartialFiles.write(out,
			tmp -> {
				Files.writeString(tmp, "half");
				throw new java.util.concurrent.CancellationException("cancelled");
			}));
		assertEquals(List.of("out.tif"), names(dir));
		assertEquals("old", Files.readString(out));
	}

	/**
	 * Two writers of one output at once (two runs given the same --output): each writes its own
	 * temporary file, so the output is one whole result, never a mix, and no temporary file remains.
	 */
	@Test
	void twoWritersOfOneOutputLeaveOneWholeResult(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("out.tif");
		final int chunks = 64, chunk = 1 << 14;
		final java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
		final java.util.concurrent.atomic.AtomicInteger together = new java.util.concurrent.atomic
			.AtomicInteger();
		final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors
			.newFixedThreadPool(2);
		try {
			for (int round = 0; round < 5; round++) {
				final List<java.util.concurrent.Future<?>> writers = new ArrayList<>();
				for (final byte value : new byte[] { 1, 2 }) {
					writers.add(pool.submit(() -> {
						start.await();
						PartialFiles.write(out, tmp -> {
							try (java.io.OutputStream o = Files.newOutputStream(tmp)) {
								final byte[] b = new byte[chunk];
								java.util.Arrays.fill(b, value);
								for (int i = 0; i < chunks; i++) {
									o.write(b);
									if (i == chunks / 2 && names(dir).stream().filter(n -> n.contains(".partial-"))
										.count() == 2) together.incrementAndGet();
									Thread.yield();
								}
							}
						});
						return null;
					}));
				}
				for (final java.util.concurrent.Future<?> w : writers) w.get(1, TimeUnit.MINUTES);
				final byte[] result = Files.readAllBytes(out);
				assertEquals(chunks * chunk, result.length);
				for (final byte b : result) assertEquals(result[0], b, "a mix of two writers");
				assertEquals(List.of("out.tif"), names(dir));
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertTrue(together.get() > 0, "the writers never overlapped");
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
