#ifndef CANDOR_CTHREADNAME_H
#define CANDOR_CTHREADNAME_H

/// Names the calling thread (at most 15 bytes and the NUL): pthread_setname_np, which
/// Swift's Glibc module leaves out (it needs _GNU_SOURCE). Returns 0 or an errno.
int candor_name_current_thread(const char *name);

#endif
