/* SPDX-License-Identifier: MIT */
/*
 * vmm/events.h -- the VM's own event sources: the stop eventfd, the stop
 * signals (below) through a signalfd, and the vm:timeout timerfd.
 *
 * The stage blocks those signals (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR2,
 * SIGALRM: each stops the VM with status 128 + signal) and the vCPU kick
 * signal in the calling thread before any other thread exists, so every
 * thread inherits the mask and the signals arrive only through the
 * signalfd. Teardown restores the caller's mask.
 */
#ifndef VTLVM_EVENTS_H
#define VTLVM_EVENTS_H

struct vm;

int events_stage_init(struct vm *vm);
void events_stage_exit(struct vm *vm);

#endif /* VTLVM_EVENTS_H */
