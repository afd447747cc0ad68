// The command's two kinds of local failure, apart from a status the server sent (exit 64 + code).

/** A mistake in the command line: exit status 2, with the usage. */
export class UsageError extends Error {}

/** A mistake found before or around the call (bad JSON, missing file, unknown method, no server): exit status 1. */
export class LocalError extends Error {}
