package sc.fiji.diffusion.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import sc.fiji.diffusion.engine.Checkpoint;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.Precision;
import sc.fiji.diffusion.engine.TensorFile;
import sc.fiji.diffusion.engine.UNet;

/**
 * A model on disk: a folder holding {@code model.json} and {@code weights.bin}. Loading checks the
 * weights' SHA-256 against the card and every tensor's name and shape against the network the card
 * describes, and refuses with a message that names the folder and what to do.
 */
public final class ModelFolder {

	public static final String CARD = "model.json", WEIGHTS = "weights.bin";

	private ModelFolder() {}

	/**
	 * Writes weights in half precision (half the bytes; restorations agree with float weights' to
	 * well above 60 dB, see ModelFolderTest), then the card with their checksum; each file via a
	 * temporary name.
	 */
	public static ModelCard save(final Path dir, final ModelCard card,
		final Map<String, TensorFile.Tensor> weights) throws IOException
	{
		return save(dir, card, weights, TensorFile.Storage.HALF);
	}

	/** As {@link #save(Path, ModelCard, Map)}, weights stored as given. */
	public static ModelCard save(final Path dir, final ModelCard card,
		final Map<String, TensorFile.Tensor> weights, final TensorFile.Storage storage)
		throws IOException
	{
		Files.createDirectories(dir);
		final Path w = dir.resolve(WEIGHTS);
		new TensorFile("{\"name\":\"" + card.name() + "\"}", weights).write(w, storage);
		final ModelCard done = card.withSha256(sha256(w));
		done.write(dir.resolve(CARD));
		return done;
	}

	public static boolean isModel(final Path dir) {
		return Files.isRegularFile(dir.resolve(CARD));
	}

	/** Reads and checks the card alone (no weights loaded). */
	public static ModelCard card(final Path dir) throws IOException {
		if (!Files.isDirectory(dir)) {
			throw new IOException("Model folder " + dir + " does not exist.");
		}
		final Path c = dir.resolve(CARD);
		if (!Files.isRegularFile(c)) {
			throw new IOException("The folder " + dir + " holds no " + CARD + ", so it is no model " +
				"folder: give a folder that holds a model card and its weights, or the name of an installed " +
				"model (see the models verb, or Diffusion Model Info in Fiji).");
		}
		return ModelCard.read(c);
	}

	/** Loads a model onto a device in float, with all checks. The caller closes the returned denoiser. */
	public static NetworkDenoiser load(final Path dir, final Device device) throws IOException {
		return load(dir, device, Precision.FLOAT);
	}

	/**
	 * Loads a model onto a device, its network computing in the given precision (see
	 * {@link Precision#choose}), with all checks. The caller closes the returned denoiser.
	 */
	public static NetworkDenoiser load(final Path dir, final Device device, final Precision precision)
		throws IOException
	{
		final ModelCard card = card(dir);
		final Path w = dir.resolve(WEIGHTS);
		if (!Files.isRegularFile(w)) {
			throw new IOException("Model folder " + dir + " has no " + WEIGHTS + ": copy the whole folder.");
		}
		final String actual = sha256(w);
		if (!actual.equalsIgnoreCase(card.sha256())) {
			throw new IOException("The weights in " + dir + " do not match their card (SHA-256 " + actual +
				", card says " + card.sha256() + "): the file is corrupted or was replaced; copy the " +
				"model folder again.");
		}
		final TensorFile file = TensorFile.read(w);
		final NDManager manager = NDManager.newBaseManager(device);
		try {
			final UNet net = new UNet(card.network(), card.channels());
			final int p = card.patch();
			// Random initial weights, overwritten below; drawn under the generator's lock all the same.
			synchronized (sc.fiji.diffusion.engine.NoiseSource.GENERATOR) {
				net.initialize(manager, DataType.FLOAT32, new Shape(1, card.channels(), p, p), new Shape(1));
			}
			try {
				Checkpoint.load(net, file.tensors(), "");
			}
			catch (final IllegalArgumentException e) {
				throw new IOException("Model " + dir + ": " + e.getMessage(), e);
			}
			// Half in the blocks and the module; bfloat16 only in the module (DJL's arrays cannot hold it).
			if (precision == Precision.HALF) net.cast(precision.dataType());
			// Inference only: no parameter records gradients.
			net.getParameters().forEach(pair -> pair.getValue().getArray().setRequiresGradient(false));
			final NetworkDenoiser d = new NetworkDenoiser(card.family(), card.schedule(), net, manager, card
				.patch());
			if (card.training() != null && card.training().get("noisy_data") instanceof Map<?, ?> noisy &&
				noisy.get("lowest_level") instanceof Number level)
			{
				d.lowestLevel(level.doubleValue());
			}
			// -Ddiffusion.network=blocks runs inference on DJL's blocks, for comparison. After the lowest
			// level, which the module holds as a constant (written once).
			if (!"blocks".equals(System.getProperty("diffusion.network"))) d.useScript(precision);
			return d;
		}
		catch (final IOException | RuntimeException e) {
			manager.close();
			throw e;
		}
	}

	public static String sha256(final Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			final MessageDigest md = MessageDigest.getInstance("SHA-256");
			final byte[] buf = new byte[1 << 16];
			int n;
			while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
			return HexFormat.of().formatHex(md.digest());
		}
		catch (final NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
