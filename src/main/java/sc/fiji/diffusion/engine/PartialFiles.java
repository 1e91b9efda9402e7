package sc.fiji.diffusion.engine;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every file (and model folder) this program writes is written under a temporary name beside it,
 * {@code .NAME.partial-PID-RANDOM}, and moved over the real name only when complete: a crash never
 * leaves a half-written file under the real name, and the temporary name ends in no image
 * extension, so that no batch macro takes it for an image. Temporary files are removed when the
 * write fails and on a normal JVM shutdown (SIGTERM included). One left by a killed process is
 * removed by a later write of the same output only when that process no longer runs or the file is
 * more than {@link #STALE} old, so that two writers of one output never delete each other's files.
 */
public final class PartialFiles {

	/** Age after which a temporary file is removed even when its process id is in use. */
	public static final Duration STALE = Duration.ofHours(24);

	private static final String MARK = ".partial-";
	/** What follows {@code .NAME.partial-}: the writer's process id and a random part. */
	private static final Pattern OWNER = Pattern.compile("(\\d{1,18})-[0-9a-z]+");
	private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			for (final Path p : OPEN) {
				try {
					delete(p);
				}
				catch (final IOException e) {
					// the JVM is going: nothing to tell anyone
				}
			}
		}, "remove partial files"));
	}

	/** Writes a file given its temporary name. */
	@FunctionalInterface
	public interface Writer {

		void write(Path partial) throws IOException;
	}

	private PartialFiles() {}

	/**
	 * Writes {@code target} through a temporary file: the writer writes (or overwrites) the given path,
	 * which is then moved over the target. Stale temporary files of the target are removed first (and
	 * said on stderr).
	 *
	 * @throws IOException when the writer or the move fails (a full disk): naming the target and why,
	 *           nothing written under its name
	 */
	public static void write(final Path target, final Writer writer) throws IOException {
		final Path tmp = create(target, false, System.err::println);
		try {
			writer.write(tmp);
			moveIntoPlace(tmp, target);
		}
		catch (final IOException e) {
			throw failed(target, e);
		}
		finally {
			discard(tmp);
		}
	}

	/**
	 * Writes a folder's files through a temporary folder beside it: the writer fills the given empty
	 * folder; then a new target is that folder, moved into place, and an existing target gets only the
	 * files the writer wrote (each moved over its namesake), all else in it kept.
	 */
	public static void writeFiles(final Path folder, final Writer writer) throws IOException {
		final Path target = folder.toAbsolutePath().normalize();
		final Path tmp = create(target, true, System.err::println);
		try {
			writer.write(tmp);
			if (!Files.exists(target)) {
				Files.move(tmp, target);
			}
			else {
				final List<Path> files;
				try (Stream<Path> s = Files.list(tmp)) {
					files = s.sorted().toList();
				}
				for (final Path f : files) moveIntoPlace(f, target.resolve(f.getFileName().toString()));
			}
		}
		catch (final IOException e) {
			throw failed(target, e);
		}
		finally {
			discard(tmp);
		}
	}

	/**
	 * Refuses, before any work, an output that cannot be written: a folder where a file is asked for,
	 * a folder that cannot be created or written to. The message names the output and the reason.
	 * Stale temporary files of the output are removed (and said to {@code report}).
	 */
	public static void requireWritableFile(final Path target, final Consumer<String> report)
		throws IOException
	{
		if (Files.isDirectory(target)) {
			throw new IOException("The output " + target + " is a folder: give the name of a file (for " +
				"example " + target.resolve("restored.tif") + ").");
		}
		// A folder that does not exist yet is not made by a check (a run that fails wrote nothing):
		// the nearest one that exists must let it be made.
		final Path parent = target.toAbsolutePath().normalize().getParent();
		if (parent != null && !Files.exists(parent)) {
			Path existing = parent;
			while (existing != null && !Files.exists(existing)) existing = existing.getParent();
			if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
				throw new IOException("Cannot write " + target.toAbsolutePath().normalize() + ": its folder " +
					parent + " cannot be created (" + (existing == null ? "no such folder" : existing +
						(Files.isDirectory(existing) ? " is not writable" : " is not a folder")) +
					"). Choose another output.");
			}
			return;
		}
		discard(create(target, false, report));
	}

	/** As {@link #requireWritableFile}, for an output folder (written by {@link #writeFiles}). */
	public static void requireWritableFolder(final Path folder, final Consumer<String> report)
		throws IOException
	{
		final Path target = folder.toAbsolutePath().normalize();
		if (Files.exists(target) && !Files.isDirectory(target)) {
			throw new IOException("The output " + target + " is a file, not a folder: give the name of a " +
				"folder.");
		}
		discard(create(target, true, report));
		if (Files.isDirectory(target)) discard(create(target.resolve("probe"), false, report));
	}

	/**
	 * Removes the temporary files of {@code target} whose process no longer runs, or that are more
	 * than {@link #STALE} old, each said to {@code report}.
	 */
	public static void removeStale(final Path target, final Consumer<String> report) {
		final Path file = target.toAbsolutePath().normalize();
		final Path dir = file.getParent();
		if (dir == null || !Files.isDirectory(dir)) return;
		final String prefix = "." + file.getFileName() + MARK;
		final List<Path> found = new ArrayList<>();
		try (Stream<Path> s = Files.list(dir)) {
			s.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(found::add);
		}
		catch (final IOException e) {
			return;
		}
		for (final Path p : found) {
			final Matcher m = OWNER.matcher(p.getFileName().toString().substring(prefix.length()));
			if (!m.matches()) continue;
			final long pid = Long.parseLong(m.group(1));
			final String why;
			try {
				final boolean running = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
				final Instant modified = Files.getLastModifiedTime(p).toInstant();
				if (!running) why = "its process " + pid + " no longer runs";
				else if (modified.isBefore(Instant.now().minus(STALE))) why = "it is more than " + STALE
					.toHours() + " h old";
				else continue;
				delete(p);
			}
			catch (final IOException e) {
				continue;
			}
			report.accept("Removed " + p + ", left half-written by an earlier run: " + why + ".");
		}
	}

	/** Moves a finished temporary file over the target, atomically where the file system allows. */
	public static void moveIntoPlace(final Path tmp, final Path target) throws IOException {
		try {
			Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (final AtomicMoveNotSupportedException e) {
			Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
		}
	}

	private static Path create(final Path target, final boolean folder, final Consumer<String> report)
		throws IOException
	{
		final Path file = target.toAbsolutePath().normalize();
		final Path dir = file.getParent();
		try {
			Files.createDirectories(dir);
		}
		catch (final IOException e) {
			throw new IOException("Cannot write " + file + ": its folder " + dir + " cannot be created (" +
				reason(e) + "). Choose another output.", e);
		}
		removeStale(file, report);
		final String base = "." + file.getFileName() + MARK + ProcessHandle.current().pid() + "-";
		for (int tries = 0;; tries++) {
			final Path tmp = dir.resolve(base + Long.toString(ThreadLocalRandom.current().nextLong(
				Long.MAX_VALUE), 36));
			try {
				OPEN.add(tmp);
				if (folder) Files.createDirectory(tmp);
				else Files.createFile(tmp);
				return tmp;
			}
			catch (final java.nio.file.FileAlreadyExistsException e) {
				OPEN.remove(tmp);
				if (tries > 10) throw e;
			}
			catch (final IOException e) {
				OPEN.remove(tmp);
				throw new IOException("Cannot write " + file + ": " + reason(e) + " in " + dir + ". Choose " +
					"another output, or make that folder writable.", e);
			}
		}
	}

	/** A write that failed, in words: the target, why, and that its name holds what it held before. */
	private static IOException failed(final Path target, final IOException e) {
		return new IOException("Cannot write " + target.toAbsolutePath().normalize() + ": " + reason(e)
			.replaceFirst("\\.$", "") + ". Nothing was written under that name" + (Files.exists(target) ? " (what it held is kept)" : "") +
			".", e);
	}

	/** Why a file system operation failed, in words, without the temporary path it names. */
	private static String reason(final IOException e) {
		if (e instanceof AccessDeniedException) return "permission denied";
		if (e instanceof NoSuchFileException) return "no such folder";
		if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason()
			.toLowerCase(java.util.Locale.ROOT);
		return e.getMessage();
	}

	private static void discard(final Path tmp) throws IOException {
		try {
			delete(tmp);
		}
		finally {
			OPEN.remove(tmp);
		}
	}

	private static void delete(final Path p) throws IOException {
		if (!Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
			Files.deleteIfExists(p);
			return;
		}
		try (Stream<Path> files = Files.walk(p)) {
			for (final Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
				Files.deleteIfExists(f);
			}
		}
	}
}
