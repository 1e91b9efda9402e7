package sc.fiji.diffusion.cli;

/** A command line that does not fit the usage: exit code 2 and the usage on stderr. */
final class UsageException extends Exception {

	private static final long serialVersionUID = 1L;

	UsageException(final String message) {
		super(message);
	}
}
