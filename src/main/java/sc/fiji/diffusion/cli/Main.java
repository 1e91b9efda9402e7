package sc.fiji.diffusion.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.regex.Pattern;

/**
 * {@code java -jar target/diffusion-ij-cli.jar <verb> [options] [--verbose]}. Exit codes: 0 done, 1
 * failed (the message says why), 2 usage error (every option's value is checked before anything
 * loads).
 */
public final class Main {

	static final String USAGE = String.join("\n",
		"Usage: java -jar target/diffusion-ij-cli.jar <verb> [options] [--verbose]",
		"Verbs:",
		"  models                                 installed models and their cards",
		"  sample --model NAME|PATH --output FILE.tif [--count N] [--size N] [--steps N]",
		"         [--sampler " + sc.fiji.diffusion.engine.Sampler.NAMES + "] [--seed S]",
		"         [--device auto|cpu|gpu] [--batch N]",
		"  train  --family ddpm|ncsn --output MODEL_FOLDER [--steps N] [--data synthetic|synthetic-wide|synthetic-mixed|FOLDER]",
		"         [--resume CHECKPOINT | --init MODEL_FOLDER] [--checkpoint FILE] [--every SECONDS]",
		"         [--time SECONDS] [--focus SIGMA] [--note TEXT] [--noise auto|none|gaussian:SIGMA|",
		"         poisson-gaussian:GAIN,OFFSET,READ] (the training images' noise, default auto)",
		"         [--name NAME] [--patch N] [--batch N] [--lr X] [--ema X] [--widths 32,64,128]",
		"         [--res-blocks N] (residual blocks per level, default 1) [--seed S] [--device auto|cpu|gpu]",
		"  denoise --input IN.tif --output OUT.tif [--noise auto|gaussian:SIGMA|",
		"          poisson-gaussian:GAIN,OFFSET,READ] [--samples K] [--std STD.tif] [--steps N]",
		"          [--sampler NAME] [--seed S] [--device auto|cpu|gpu] [--tile N] [--model NAME|PATH]",
		"  inpaint --input IN.tif --mask MASK.tif --output OUT.tif [--noise SPEC]",
		"          (non-zero mask = missing; or NaN pixels)",
		"  super-resolve --input IN.tif --factor 2|4 --output OUT.tif [--noise SPEC]",
		"          (both also take --samples, --std, --steps, --sampler ddpm|ddim:ETA, --seed, --device,",
		"          --tile, --model, and --resample R: RePaint rounds per step, default 1)",
		"          --tile 0, the default, sizes the windows per network call from the device's free",
		"          memory; --tile N (at least the model's patch) sends N^2 x 4 pixels of windows per call",
		"          --samples 0 and --steps 0, the defaults, mean each task's default: denoising",
		"          returns the posterior mean (one evaluation; samples of 50 steps);",
		"          " + sc.fiji.diffusion.restore.Defaults.IN_WORDS + ",",
		"          each from a smooth first guess; --samples 1 is a single draw, --std STD.tif the",
		"          samples' spread",
		"  restore-volume --input IN.zarr|IN.h5[:/DATASET] --output OUT.zarr",
		"          [--task denoise|inpaint|super-resolve] [--mask MASK.zarr|MASK.h5[:/DATASET] (inpaint;",
		"          non-zero = missing; else the input's NaN)] [--factor 2|4 (super-resolve)]",
		"          [--dataset LEVEL] [--axes zyx --scale 2,0.3,0.3 (HDF5)] [--noise SPEC] [--std STD.zarr]",
		"          (the samples' standard deviation; --samples 2 or more) and the tasks'",
		"          options: a Zarr, OME-Zarr or HDF5 image block by block into OME-Zarr (float32,",
		"          blosc-zstd, the input's chunks and scales, scales / factor); a stopped run continues",
		"  compare --model NAME [--count N] [--steps N] [--sampler NAME] [--seed S] [--batch N]",
		"          [--device auto|cpu|gpu] [--grid FILE.png]",
		"          samples beside training scenes: power spectrum and histogram distances",
		"  benchmark [--models NAME,NAME] [--device auto|cpu|gpu] [--repeats N] [--tile N]",
		"          [--restorations SIDE] [--throughput SIDE --batches 64,256,1024]",
		"          with --throughput, Mpx/s of network input per evaluation (torch_unet.py's units)",
		"  quality [--model NAME] [--count N] [--size N] [--noise SIGMA] [--steps N] [--samples K]",
		"          [--seed S] [--device ...]",
		"          [--tasks denoise,inpaint,super-resolve-2,super-resolve-4,inpaint-hard,speed] [--docs DIR]",
		"          [--scenes five-kinds|held-out] (the wide world's eight kinds, held-out settings)",
		"          restoration quality beside oracle-tuned classical methods; writes DIR/quality.md",
		"--steps (of sampling and restoring) is at most 1000; a run of more than 200 steps says after",
		"its first step how long it will take.",
		"Every verb also takes --verbose: DJL's log lines too (its engine start, warnings).",
		"Verbs that run a model (not train, which computes in float) also take --precision",
		"auto|float|half|bfloat16 (auto: half on a GPU; on the CPU bfloat16 where the processor computes",
		"it natively, about twice as fast, else float). Models are looked up in ./models",
		"(and -Ddiffusion.models=DIR).",
		"Exit codes: 0 done; 1 failed (the message says why); 2 usage error (this text), every option's",
		"value being checked before anything loads.");

	private Main() {}

	public static void main(final String[] args) {
		System.exit(run(args, System.out, System.err));
	}

	/** slf4j-simple's level, which the CLI sets unless the user did (java -D...). */
	static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

	/**
	 * A macro option that is also an option of this program, as the layers below name it in their
	 * advice ({@code noise=gaussian:SIGMA}): the value runs to a space, a bracket, a comma or a
	 * sentence's full stop.
	 */
	private static final Pattern MACRO_OPTION = Pattern.compile("\\b(noise|steps|samples|tile|model|" +
		"device|precision|sampler|seed|factor|mask|resample)=([^\\s,;)\\]]+?)(?=[\\s,;)\\]]|\\.(?:\\s|$)|$)");

	/** A message of the layers below in this program's syntax: {@code noise=X} reads {@code --noise X}. */
	static String inCliSyntax(final String message) {
		return message == null ? null : MACRO_OPTION.matcher(message).replaceAll("--$1 $2");
	}

	public static int run(final String[] given, final PrintStream out, final PrintStream err) {
		// DJL's start (a GPU count it could not read, threads, its optimizer) is no news to a user, who
		// reads its WARN and INFO lines as errors: they come with --verbose.
		final boolean verbose = Arrays.asList(given).contains("--verbose");
		final String[] args = Arrays.stream(given).filter(a -> !a.equals("--verbose")).toArray(
			String[]::new);
		if (System.getProperty(LOG_LEVEL) == null) System.setProperty(LOG_LEVEL, verbose ? "info" : "error");
		if (args.length == 0) {
			err.println(USAGE);
			return 2;
		}
		try {
			switch (args[0]) {
				case "models":
					return new ModelsVerb().run(args, out);
				case "sample":
					return new SampleVerb().run(args, out, err);
				case "train":
					return new TrainVerb().run(args, out, err);
				case "denoise":
					return new DenoiseVerb().run(args, out, err);
				case "inpaint":
					return new InpaintVerb().run(args, out, err);
				case "super-resolve":
					return new SuperResolveVerb().run(args, out, err);
				case "restore-volume":
					return new RestoreVolumeVerb().run(args, out, err);
				case "compare":
					return new CompareVerb().run(args, out, err);
				case "quality":
					return new QualityVerb().run(args, out, err);
				case "benchmark":
					return new BenchmarkVerb().run(args, out, err);
				case "help":
				case "--help":
				case "-h":
					out.println(USAGE);
					return 0;
				default:
					throw new UsageException("Unknown verb '" + args[0] + "'.");
			}
		}
		catch (final UsageException e) {
			err.println(inCliSyntax(e.getMessage()));
			err.println(USAGE);
			return 2;
		}
		catch (final CancellationException e) {
			err.println("Cancelled.");
			return 1;
		}
		catch (final IOException | IllegalArgumentException | IllegalStateException e) {
			err.println("Error: " + inCliSyntax(e.getMessage()));
			return 1;
		}
		catch (final OutOfMemoryError e) {
			err.println("Error: Java ran out of memory (" + Runtime.getRuntime().maxMemory() / (1 << 20) +
				" MB allowed): give it more with java -Xmx (for example java -Xmx8g -jar ...), or give " +
				"smaller images (training holds its images in memory, 4 bytes per pixel).");
			return 1;
		}
	}
}
