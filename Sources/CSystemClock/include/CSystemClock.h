#ifndef DIALTONE_CSYSTEMCLOCK_H
#define DIALTONE_CSYSTEMCLOCK_H

/// 1 when the kernel considers the system clock synchronized (adjtimex(2) state is not TIME_ERROR),
/// 0 when it does not, -1 when the state cannot be read. Swift's Glibc module does not export
/// <sys/timex.h>, hence this shim.
int dialtone_clock_synchronized(void);

#endif
