package sc.fiji.diffusion.engine;

import ai.djl.ndarray.types.DataType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a TorchScript module archive, the zip that {@code torch.jit.load} (and DJL's module loader)
 * reads, for one module class whose attributes are all tensors: the class's TorchScript source in
 * {@code code/__torch__.py}, its state in {@code data.pkl} (Python pickle protocol 2, the subset
 * that libtorch's unpickler reads: a {@code __torch__} object built from a dict of attributes, each
 * tensor a {@code torch._utils._rebuild_tensor_v2} of a persistent storage), each tensor's bytes in
 * {@code data/N}, an empty {@code constants.pkl}, and the format {@code version}. Written here rather
 * than by PyTorch so that any model, the user's own included, runs as TorchScript without Python.
 */
final class TorchScriptArchive {

	/** One attribute: a contiguous tensor, its bytes little-endian in its own type. */
	record Tensor(String name, DataType type, long[] shape, byte[] data) {}

	/**
	 * Format version 3: what PyTorch writes for a module that uses no operator whose meaning changed
	 * since (those carry upgraders keyed on this number; none is used here).
	 */
	private static final String VERSION = "3";

	private static final String ROOT = "archive/";

	private TorchScriptArchive() {}

	/**
	 * @param className the class defined in {@code source}, under the {@code __torch__} namespace
	 * @param source TorchScript source of the class: its attribute declarations and methods
	 */
	static byte[] write(final String className, final String source, final List<Tensor> tensors) {
		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
			stored(zip, "data.pkl", state(className, tensors));
			stored(zip, "code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
			// An empty tuple: the constants table of the source, unused.
			stored(zip, "constants.pkl", new Pickle().emptyTuple().stop());
			stored(zip, "version", (VERSION + "\n").getBytes(StandardCharsets.US_ASCII));
			for (int i = 0; i < tensors.size(); i++) stored(zip, "data/" + i, tensors.get(i).data());
		}
		catch (final IOException e) {
			throw new UncheckedIOException(e);
		}
		return bytes.toByteArray();
	}

	/** The module object: its class, then a dict of attribute name to value ({@code training} too). */
	private static byte[] state(final String className, final List<Tensor> tensors) {
		final Pickle p = new Pickle();
		p.global("__torch__", className).emptyTuple().op(Pickle.NEWOBJ).op(Pickle.EMPTY_DICT).op(
			Pickle.MARK);
		p.string("training").op(Pickle.NEWFALSE);
		for (int i = 0; i < tensors.size(); i++) {
			final Tensor t = tensors.get(i);
			p.string(t.name());
			tensor(p, t, Integer.toString(i));
		}
		return p.op(Pickle.SETITEMS).op(Pickle.BUILD).stop();
	}

	private static void tensor(final Pickle p, final Tensor t, final String key) {
		final long[] shape = t.shape();
		final long[] stride = new long[shape.length];
		long numel = 1;
		for (int d = shape.length - 1; d >= 0; d--) {
			stride[d] = numel;
			numel *= shape[d];
		}
		final int itemSize = t.type().getNumOfBytes();
		if (numel * itemSize != t.data().length) {
			throw new IllegalArgumentException("Tensor " + t.name() + ": " + t.data().length +
				" bytes for " + numel + " values of " + t.type() + ".");
		}
		p.global("torch._utils", "_rebuild_tensor_v2").op(Pickle.MARK);
		// The storage, by persistent id: ("storage", torch.<Type>Storage, key, location, numel).
		p.op(Pickle.MARK).string("storage").global("torch", storage(t.type())).string(key).string("cpu")
			.integer(numel).op(Pickle.TUPLE).op(Pickle.BINPERSID);
		p.integer(0).tuple(shape).tuple(stride).op(Pickle.NEWFALSE);
		// Backward hooks: an empty OrderedDict, which the reader drops.
		p.global("collections", "OrderedDict").emptyTuple().op(Pickle.REDUCE);
		p.op(Pickle.TUPLE).op(Pickle.REDUCE);
	}

	private static String storage(final DataType type) {
		return switch (type) {
			case FLOAT32 -> "FloatStorage";
			case FLOAT16 -> "HalfStorage";
			case BFLOAT16 -> "BFloat16Storage";
			case FLOAT64 -> "DoubleStorage";
			case INT64 -> "LongStorage";
			default -> throw new IllegalArgumentException("No TorchScript storage written for " + type +
				".");
		};
	}

	private static void stored(final ZipOutputStream zip, final String name, final byte[] data)
		throws IOException
	{
		// Stored, not deflated: libtorch maps records straight from the archive.
		final ZipEntry e = new ZipEntry(ROOT + name);
		e.setMethod(ZipEntry.STORED);
		e.setSize(data.length);
		e.setCompressedSize(data.length);
		final CRC32 crc = new CRC32();
		crc.update(data);
		e.setCrc(crc.getValue());
		zip.putNextEntry(e);
		zip.write(data);
		zip.closeEntry();
	}

	/** The few pickle (protocol 2) operations a module's state needs. */
	static final class Pickle {

		static final int MARK = '(', STOP = '.', BININT = 'J', BINUNICODE = 'X', GLOBAL = 'c',
			EMPTY_TUPLE = ')', TUPLE = 't', EMPTY_DICT = '}', SETITEMS = 'u', BUILD = 'b', REDUCE = 'R',
			BINPERSID = 'Q', PROTO = 0x80, NEWOBJ = 0x81, NEWTRUE = 0x88, NEWFALSE = 0x89;

		private final ByteArrayOutputStream out = new ByteArrayOutputStream();

		Pickle() {
			out.write(PROTO);
			out.write(2);
		}

		Pickle op(final int code) {
			out.write(code);
			return this;
		}

		Pickle emptyTuple() {
			return op(EMPTY_TUPLE);
		}

		Pickle global(final String module, final String name) {
			out.write(GLOBAL);
			ascii(module + "\n" + name + "\n");
			return this;
		}

		Pickle string(final String s) {
			final byte[] b = s.getBytes(StandardCharsets.UTF_8);
			out.write(BINUNICODE);
			int32(b.length);
			out.write(b, 0, b.length);
			return this;
		}

		Pickle integer(final long v) {
			if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
				throw new IllegalArgumentException("Integer " + v + " does not fit the pickle's 32 bits.");
			}
			out.write(BININT);
			int32((int) v);
			return this;
		}

		Pickle tuple(final long[] values) {
			if (values.length == 0) return emptyTuple();
			op(MARK);
			for (final long v : values) integer(v);
			return op(TUPLE);
		}

		byte[] stop() {
			out.write(STOP);
			return out.toByteArray();
		}

		private void int32(final int v) {
			out.write(v);
			out.write(v >>> 8);
			out.write(v >>> 16);
			out.write(v >>> 24);
		}

		private void ascii(final String s) {
			final byte[] b = s.getBytes(StandardCharsets.US_ASCII);
			out.write(b, 0, b.length);
		}
	}
}
