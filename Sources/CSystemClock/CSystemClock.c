#include "CSystemClock.h"
#ifdef __linux__
#include <sys/timex.h>
#endif

int dialtone_clock_synchronized(void) {
#ifdef __linux__
    struct timex tx = {0};
    int state = adjtimex(&tx);
    if (state < 0) return -1;
    return state == TIME_ERROR ? 0 : 1;
#else
    return -1;
#endif
}
