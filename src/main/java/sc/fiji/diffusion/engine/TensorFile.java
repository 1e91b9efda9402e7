package sc.fiji.diffusion.engine;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A named set of float tensors and a text header, in one file: model weights, and checkpoints (weights,
 * EMA, optimizer moments). Host-side data only; written to a temporary name and then moved, so a crash
 * never leaves a half-written file under the real name. Each tensor is stored in float or, for model
 * weights, in half precision (half the bytes); it is read back as float either way. Format version 1
 * (float only, no type byte) is still read.
 */
public final class TensorFile {

	private static final int MAGIC = 0x44494a54; // "DIJT"
	private static final int VERSION = 2;
	private static final byte FLOAT32 = 0, FLOAT16 = 1;

	/** How tensors are stored: float keeps every bit (checkpoints); half is for shipped weights. */
	public enum Storage {
		FLOAT, HALF
	}

	/** One tensor: shape and row-major values. */
	public record Tensor(long[] shape, float[] values) {

		public Tensor {
			long n = 1;
			for (final long d : shape) n *= d;
			if (n != values.length) {
				throw new IllegalArgumentException("Shape " + Arrays.toString(shape) + " does not hold " +
					values.length + " values.");
			}
		}
	}

	private final String header;
	private final Map<String, Tensor> tensors;

	public TensorFile(final String header, final Map<String, Tensor> tensors) {
		this.header = header == null ? "" : header;
		this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
	}

	public String header() {
		return header;
	}

	public Map<String, Tensor> tensors() {
		return tensors;
	}

	public void write(final Path file) throws IOException {
		write(file, Storage.FLOAT);
	}

	/**
	 * Writes via a temporary name. In {@link Storage#HALF}, a tensor with a finite value beyond half's
	 * range is stored in float all the same.
	 */
	public void write(final Path file, final Storage storage) throws IOException {
		PartialFiles.write(file, tmp -> {
			try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files
				.newOutputStream(tmp), 1 << 16)))
			{
				out.writeInt(MAGIC);
				out.writeInt(VERSION);
				final byte[] h = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
				out.writeInt(h.length);
				out.write(h);
				out.writeInt(tensors.size());
				for (final Map.Entry<String, Tensor> e : tensors.entrySet()) {
					out.writeUTF(e.getKey());
					final long[] shape = e.getValue().shape();
					out.writeInt(shape.length);
					for (final long d : shape) out.writeLong(d);
					final float[] v = e.getValue().values();
					out.writeInt(v.length);
					if (storage == Storage.HALF && fitsHalf(v)) {
						out.writeByte(FLOAT16);
						for (final float f : v) out.writeShort(Half.fromFloat(f));
					}
					else {
						out.writeByte(FLOAT32);
						for (final float f : v) out.writeFloat(f);
					}
				}
			}
		});
	}

	private static boolean fitsHalf(final float[] v) {
		for (final float f : v) {
			if (Float.isFinite(f) && Math.abs(f) > Half.MAX) return false;
		}
		return true;
	}

	/**
	 * @throws IOException with a message naming the file when it is not a tensor file or is cut short
	 */
	public static TensorFile read(final Path file) throws IOException {
		try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file),
			1 << 16)))
		{
			if (in.readInt() != MAGIC) {
				throw new IOException(file + " is not a Diffusion-IJ tensor file.");
			}
			final int version = in.readInt();
			if (version != VERSION && version != 1) {
				throw new IOException(file + " has format version " + version + "; this plugin reads 1 to " +
					VERSION + ". Update the plugin or re-export the model.");
			}
			final byte[] h = new byte[checkedCount(in.readInt(), 1 << 24, file)];
			in.readFully(h);
			final int count = checkedCount(in.readInt(), 1 << 20, file);
			final Map<String, Tensor> tensors = new LinkedHashMap<>();
			final byte[] chunk = new byte[1 << 16];
			for (int i = 0; i < count; i++) {
				final String name = in.readUTF();
				final long[] shape = new long[checkedCount(in.readInt(), 16, file)];
				for (int d = 0; d < shape.length; d++) shape[d] = in.readLong();
				final float[] v = new float[checkedCount(in.readInt(), Integer.MAX_VALUE - 8, file)];
				final byte type = version == 1 ? FLOAT32 : in.readByte();
				// The values a buffer at a time (big-endian, as DataOutputStream writes them): a value at a
				// time took a tenth of a second of a CLI call's start-up, in the interpreter.
				if (type == FLOAT32 || type == FLOAT16) {
					readValues(in, v, type == FLOAT32 ? 4 : 2, chunk);
				}
				else {
					throw new IOException(file + ": tensor " + name + " has unknown value type " + type +
						": the file is corrupted or from a newer plugin.");
				}
				try {
					tensors.put(name, new Tensor(shape, v));
				}
				catch (final IllegalArgumentException e) {
					throw new IOException(file + ": tensor " + name + ": " + e.getMessage(), e);
				}
			}
			if (in.read() != -1) throw new IOException(file + " has trailing bytes: it is corrupted.");
			return new TensorFile(new String(h, java.nio.charset.StandardCharsets.UTF_8), tensors);
		}
		catch (final EOFException e) {
			throw new IOException(file + " is cut short: it is corrupted or still being written.", e);
		}
	}

	private static int checkedCount(final int n, final int max, final Path file) throws IOException {
		if (n < 0 || n > max) throw new IOException(file + " is corrupted (bad count " + n + ").");
		return n;
	}

	/** Reads values of 4 bytes (float) or 2 (half) into {@code v} through {@code chunk}. */
	private static void readValues(final DataInputStream in, final float[] v, final int bytes,
		final byte[] chunk) throws IOException
	{
		final int per = chunk.length / bytes;
		for (int from = 0; from < v.length; from += per) {
			final int n = Math.min(per, v.length - from);
			in.readFully(chunk, 0, n * bytes);
			final ByteBuffer b = ByteBuffer.wrap(chunk, 0, n * bytes);
			if (bytes == 4) {
				b.asFloatBuffer().get(v, from, n);
			}
			else {
				final ShortBuffer halves = b.asShortBuffer();
				for (int j = 0; j < n; j++) v[from + j] = Half.toFloat(halves.get(j));
			}
		}
	}
}
