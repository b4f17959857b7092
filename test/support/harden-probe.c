/* The workload of moat harden's tests: a known set of syscalls, chosen by its arguments.
 *   work [EXTRA]  writes /tmp/probe.out, listens on 127.0.0.1:8080, sleeps 1.5 s, exits 0;
 *                 with EXTRA=mkdir it then calls mkdir(2) (never made by `work`) and exits
 *                 0 if that worked, 100 + errno if it failed (101: EPERM).
 *   serve         listens on 127.0.0.1:8080 until SIGTERM, then exits 0.
 *   check         connects to 127.0.0.1:8080 (an exercise run inside the copy): 0 if it answered.
 *   drop          as root: changes its owner of /tmp/probe.out and switches to uid/gid 1000, then works.
 *   flood         makes 200,000 getppid(2) calls (more than the kernel log holds), then works.
 *   fail          exits 3 at once.
 * Each failing step exits with its own code (10 + step), so a test can tell what broke.
 * Statically linked to run in a FROM scratch image. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int listener(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) _exit(12);
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(8080);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, (struct sockaddr *)&a, sizeof a) != 0) _exit(13);
  if (listen(s, 4) != 0) _exit(14);
  return s;
}

static void write_file(void) {
  int fd = open("/tmp/probe.out", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0) _exit(10);
  if (write(fd, "probe\n", 6) != 6) _exit(11);
  close(fd);
}

static void bye(int sig) { (void)sig; _exit(0); }

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "work";
  if (strcmp(mode, "fail") == 0) return 3;
  if (strcmp(mode, "check") == 0) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(8080);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return connect(s, (struct sockaddr *)&a, sizeof a) == 0 ? 0 : 20;
  }
  if (strcmp(mode, "serve") == 0) {
    signal(SIGTERM, bye);
    write_file();
    int s = listener();
    for (;;) {
      int c = accept(s, 0, 0);
      if (c >= 0) close(c);
    }
  }
  if (strcmp(mode, "flood") == 0) for (int i = 0; i < 200000; i++) syscall(SYS_getppid);
  write_file();
  if (strcmp(mode, "drop") == 0) {
    if (chown("/tmp/probe.out", 1000, 1000) != 0) _exit(15);
    if (setgid(1000) != 0) _exit(16);
    if (setuid(1000) != 0) _exit(17);
  }
  int s = listener();
  struct timespec t = {1, 500000000};
  nanosleep(&t, 0);
  close(s);
  if (argc > 2 && strcmp(argv[2], "mkdir") == 0) {
    long r = syscall(SYS_mkdir, "/tmp/probe.dir", 0755);
    return r == 0 ? 0 : 100 + errno;
  }
  return 0;
}
