package sc.fiji.diffusion.spark;

import ai.djl.Device;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Consumer;

import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;

import sc.fiji.diffusion.cli.VolumeRequest;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.Precision;
import sc.fiji.diffusion.volume.OmeZarr;
import sc.fiji.diffusion.volume.VolumeRestore;

/**
 * {@code restore-volume} on Spark: {@code spark-submit --class sc.fiji.diffusion.spark.SparkRestoreVolume
 * diffusion-ij-spark.jar --input IN.zarr --output OUT.zarr ...} with the CLI verb's options. The
 * driver checks the options, samples each channel's noise model and normalization once and creates
 * the output (or opens it to continue, as the verb does); the chunks not yet written are spread over
 * the executors ({@code parallelize} over their indices), and each task restores its chunks with the
 * verb's per-chunk code. A task slot loads the model once and keeps it for the tasks that follow, on
 * the GPU Spark assigned to the task ({@code TaskContext.resources().get("gpu")}), else the CPU. A
 * chunk is written under a temporary name and moved, and a task skips chunks already written: a task
 * that Spark retries, or a job submitted again, never leaves a half-written chunk.
 */
public final class SparkRestoreVolume {

	private SparkRestoreVolume() {}

	public static void main(final String[] args) throws IOException {
		final SparkConf conf = new SparkConf().setAppName("Diffusion-IJ restore-volume");
		try (JavaSparkContext sc = new JavaSparkContext(conf)) {
			final long start = System.nanoTime();
			final long done = run(sc, args, System.err);
			System.out.printf("Wrote %s (%d chunks restored) in %.1f s%n", VolumeRequest.of(args).output(), done,
				(System.nanoTime() - start) / 1e9);
		}
	}

	/**
	 * The driver's part; returns the number of chunks the executors restored.
	 *
	 * @throws IllegalArgumentException for options that do not fit, before any work
	 */
	static long run(final JavaSparkContext sc, final String[] args, final PrintStream err)
		throws IOException
	{
		final VolumeRequest r = VolumeRequest.of(args);
		final boolean gpus = executorsGetGpus(sc.getConf(), r.device());
		final Consumer<String> log = err::println;
		final List<long[]> todo = new ArrayList<>();
		final String folder;
		final Precision precision;
		try (OmeZarr.Image in = r.openInput(log); OmeZarr.Image m = r.openMask(log)) {
			final VolumeRestore.Task task = r.task(m);
			final Path f = r.modelFolder(gpus, log);
			folder = f.toAbsolutePath().toString();
			// The precision the executors' model will run in, recorded with the run's settings.
			// Decided here once: auto on a CPU depends on the processor (bfloat16 where it computes it), and
			// the executors' processors may differ from the driver's.
			precision = r.precision(gpus ? Device.gpu() : Device.cpu());
			final VolumeRestore.Prepared p = VolumeRestore.prepare(in, task, r.output(), r.std(), r.noise(), r
				.settings(in, task, f, precision), log);
			for (final long[] c : p.output().zarr().allChunks()) {
				if (!p.output().zarr().hasChunk(c) || p.std() != null && !p.std().zarr().hasChunk(c)) todo.add(c);
			}
		}
		if (todo.isEmpty()) {
			log.accept("Every chunk of " + r.output() + " is written already.");
			return 0;
		}
		final int slices = Math.max(1, Math.min(todo.size(), sc.defaultParallelism() * 4));
		final int threads = threadsPerTask(sc.getConf(), sc.defaultParallelism());
		log.accept(todo.size() + " chunks to restore in " + slices + " tasks, " + threads + " PyTorch " +
			"threads per task, on " + (gpus ? "the GPU Spark assigns each task" : "the CPU"));
		// The executors take the device and the precision the driver decided on, so that the precision
		// recorded with the run is the one every task computes in.
		final Job job = new Job(args.clone(), folder, threads, gpus ? "gpu" : "cpu", precision.toString());
		return sc.parallelize(todo, slices).mapPartitions(job::restore).reduce(Long::sum);
	}

	/** Whether the executors' tasks get a GPU: --device gpu, or auto with GPUs in the task resources. */
	static boolean executorsGetGpus(final SparkConf conf, final String device) {
		if ("cpu".equals(device)) return false;
		if ("gpu".equals(device)) return true;
		return conf.getDouble("spark.task.resource.gpu.amount", 0) > 0;
	}

	/**
	 * PyTorch threads per task, so that threads times task slots is the cores: in local mode the
	 * machine's cores over the slots, on a cluster {@code spark.task.cpus}.
	 */
	static int threadsPerTask(final SparkConf conf, final int localSlots) {
		if (conf.get("spark.master", "").startsWith("local")) {
			return Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, localSlots));
		}
		return Math.max(1, conf.getInt("spark.task.cpus", 1));
	}

	/**
	 * The device of a task: the first GPU Spark assigned it, else the CPU. With --device gpu and no GPU
	 * assigned the task fails, saying how to ask Spark for GPUs; with auto it takes the CPU (two tasks
	 * on one node never pick the same GPU by themselves).
	 */
	static Device device(final Map<String, ResourceInformation> resources, final String requested) {
		final ResourceInformation gpu = resources == null ? null : resources.get("gpu");
		if (!"cpu".equals(requested) && gpu != null && gpu.addresses().length > 0) {
			return Device.gpu(Integer.parseInt(gpu.addresses()[0].trim()));
		}
		if ("gpu".equals(requested)) {
			throw new IllegalStateException("--device gpu, but Spark assigned this task no GPU: submit with " +
				"--conf spark.executor.resource.gpu.amount=1 --conf spark.task.resource.gpu.amount=1 and a GPU " +
				"discovery script (spark.executor.resource.gpu.discoveryScript), or use --device cpu.");
		}
		return Device.cpu();
	}

	/** What the executors run: the command line, the model folder and the threads, all serializable. */
	static final class Job implements Serializable {

		private static final long serialVersionUID = 1L;

		/** Models loaded in this JVM, idle ones waiting for the next task: one per task slot at most. */
		private static final ConcurrentLinkedDeque<Loaded> IDLE = new ConcurrentLinkedDeque<>();

		private record Loaded(String key, NetworkDenoiser model) {}

		private final String[] args;
		private final String folder, device, precision;
		private final int threads;

		Job(final String[] args, final String folder, final int threads, final String device,
			final String precision)
		{
			this.args = args;
			this.folder = folder;
			this.threads = threads;
			this.device = device;
			this.precision = precision;
		}

		/** One task: its chunks restored (those already written skipped); yields how many it restored. */
		Iterator<Long> restore(final Iterator<long[]> chunks) {
			final VolumeRequest r = VolumeRequest.of(args);
			final TaskContext t = TaskContext.get();
			final Device d = device(t == null ? null : t.resourcesJMap(), device);
			// Before the engine starts in this JVM (later calls change nothing).
			if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
				System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
				System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
			}
			final String key = folder + "|" + d;
			final Consumer<String> log = System.err::println;
			Loaded loaded = take(key);
			long done = 0;
			try (OmeZarr.Image in = r.openInput(log); OmeZarr.Image m = r.openMask(log)) {
				if (loaded == null) loaded = new Loaded(key, r.load(Path.of(folder), d, Precision.choose(precision,
					d)));
				final VolumeRestore.Task task = r.task(m);
				final VolumeRestore.Prepared p = VolumeRestore.reopen(r.output(), r.std(), log);
				final var o = r.options(loaded.model());
				while (chunks.hasNext()) {
					if (VolumeRestore.restoreChunk(in, task, p, chunks.next(), r.noise(), o, log)) done++;
					failFirstAttemptForTests(t, done);
				}
			}
			catch (final IOException e) {
				throw new UncheckedIOException(e);
			}
			finally {
				if (loaded != null) IDLE.push(loaded);
			}
			return List.of(done).iterator();
		}

		private static Loaded take(final String key) {
			for (final Iterator<Loaded> it = IDLE.iterator(); it.hasNext();) {
				final Loaded l = it.next();
				if (l.key().equals(key) && IDLE.removeFirstOccurrence(l)) return l;
			}
			return null;
		}

		/**
		 * {@code -Ddiffusion.spark.failFirstAttempt=true} (tests): the first attempt of the first task
		 * fails after its first chunk, so that Spark's retry is seen to skip what was written.
		 */
		private static void failFirstAttemptForTests(final TaskContext t, final long done) {
			if (t != null && done == 1 && t.partitionId() == 0 && t.attemptNumber() == 0 && Boolean.getBoolean(
				"diffusion.spark.failFirstAttempt"))
			{
				throw new IllegalStateException("injected failure of the first attempt (diffusion.spark." +
					"failFirstAttempt)");
			}
		}
	}
}
