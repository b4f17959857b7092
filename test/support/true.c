/* Exits 0 at once: copied to /bin/sh in the `risky` test image so that shell-form RUN
 * steps "run" (and are recorded in the image history) in a FROM scratch build. */
int main(void) { return 0; }
