/**
 * `moat rules | head -1`: once the reader is gone nothing Moat still has to say can be
 * read, so it stops at once and quietly, with exit 0. Node ignores SIGPIPE, so without this
 * the first write after `head` exits raises EPIPE as an unhandled 'error' event: a stack
 * trace and exit 1, which breaks `set -o pipefail` scripts for no fault of theirs.
 *
 * Exit 0 rather than the 141 of a program killed by SIGPIPE (what `yes | head` reports
 * under pipefail): `git log | head` and `gh ... | head` also end with 0, and a script that
 * took the first line asked for no more. Output written with `--output FILE` is written
 * whole before anything goes to stdout, so stopping here never truncates a file.
 */
export function stopQuietlyWhenReaderLeaves(proc: Pick<NodeJS.Process, 'stdout' | 'stderr' | 'exit'>): void {
  const onStdoutError = (e: NodeJS.ErrnoException): void => {
    // A command that listens itself (watch's stdout sink, one sink among others) decides.
    if (proc.stdout.listeners('error').some((l) => l !== onStdoutError)) return;
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') proc.exit(0);
    throw e;
  };
  proc.stdout.on('error', onStdoutError);
  // A closed stderr (`moat ... 2>&- `, a log collector gone) must not turn a warning into a crash.
  proc.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
}
