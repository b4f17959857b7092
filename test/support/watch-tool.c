/* The workload of `moat watch`'s test image, chosen by argv (statically linked: FROM scratch).
 *   (none)      wait for a signal           exit N    exit with status N (restart loops)
 *   eat         after 1 s, allocate memory until the kernel's OOM killer ends it
 *   hold MB     allocate and touch MB MiB, then wait
 *   spawn N     fork N children that wait, then wait (PIDs) */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static void bye(int s) { (void)s; _exit(0); }
int main(int argc, char **argv) {
  signal(SIGTERM, bye);
  signal(SIGINT, bye);
  if (argc > 1 && !strcmp(argv[1], "exit")) return argc > 2 ? atoi(argv[2]) : 1;
  if (argc > 1 && !strcmp(argv[1], "eat")) {
    sleep(1);
    for (;;) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 1, 1 << 20); }
  }
  if (argc > 2 && !strcmp(argv[1], "hold")) {
    long mb = atol(argv[2]);
    for (long i = 0; i < mb; i++) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 1, 1 << 20); }
  }
  if (argc > 2 && !strcmp(argv[1], "spawn")) {
    int n = atoi(argv[2]);
    for (int i = 0; i < n; i++) if (fork() == 0) for (;;) pause();
  }
  for (;;) pause();
}
