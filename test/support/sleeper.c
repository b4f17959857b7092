/* The whole workload of Moat's test images: waits for a signal and exits on SIGTERM.
 * Statically linked so it runs in a FROM scratch image (no base image can be pulled here). */
#include <signal.h>
#include <unistd.h>
static void bye(int s) { (void)s; _exit(0); }
int main(void) { signal(SIGTERM, bye); signal(SIGINT, bye); for (;;) pause(); }
