/* SPDX-License-Identifier: MIT */
/*
 * cli/privs.h -- dropping privileges once setup is done (the only file that
 * uses libcap-ng).
 *
 * Called after every fd vtlvm needs (/dev/kvm, VM and vCPU fds, RAM,
 * images, the terminal) is open and before the first KVM_RUN. It clears
 * every capability (effective, permitted, inheritable, bounding) and sets
 * no_new_privs; with a user it also switches uid/gid and drops
 * supplementary groups.
 */
#ifndef VTLVM_PRIVS_H
#define VTLVM_PRIVS_H

/* user may be NULL (stay the same user). 0 or -errno after a message. */
int privs_drop(const char *user);

#endif /* VTLVM_PRIVS_H */
