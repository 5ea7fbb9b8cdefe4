#define _GNU_SOURCE 1
#include "CSystem.h"
#include <errno.h>
#include <time.h>
#include <malloc.h>

const int csystem_EPOLLIN = EPOLLIN;
const int csystem_EPOLLOUT = EPOLLOUT;
const int csystem_EPOLLERR = EPOLLERR;
const int csystem_EPOLLHUP = EPOLLHUP;
const int csystem_EPOLLRDHUP = EPOLLRDHUP;
const int csystem_EFD_NONBLOCK = EFD_NONBLOCK;
const int csystem_EFD_CLOEXEC = EFD_CLOEXEC;
const int csystem_SOCK_NONBLOCK = SOCK_NONBLOCK;
const int csystem_SOCK_CLOEXEC = SOCK_CLOEXEC;

int csystem_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    return accept4(fd, addr, len, flags);
}

int csystem_epoll_ctl(int epfd, int op, int fd, uint32_t events) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = 0;
    ev.data.fd = fd;
    return epoll_ctl(epfd, op, fd, &ev);
}

int csystem_epoll_wait(int epfd, int32_t *fds, uint32_t *events, int max_events, int timeout_ms) {
    struct epoll_event evs[256];
    if (max_events > 256) max_events = 256;
    int n = epoll_wait(epfd, evs, max_events, timeout_ms);
    for (int i = 0; i < n; i++) {
        fds[i] = evs[i].data.fd;
        events[i] = evs[i].events;
    }
    return n;
}

int csystem_epoll_wait_us(int epfd, int32_t *fds, uint32_t *events, int max_events, int64_t timeout_us) {
    struct epoll_event evs[256];
    if (max_events > 256) max_events = 256;
    int n;
    if (timeout_us < 0) {
        n = epoll_wait(epfd, evs, max_events, -1);
    } else {
        struct timespec ts = { .tv_sec = timeout_us / 1000000, .tv_nsec = (timeout_us % 1000000) * 1000 };
        n = epoll_pwait2(epfd, evs, max_events, &ts, NULL);
        if (n < 0 && errno == ENOSYS) {  /* kernels before 5.11: round up to whole milliseconds */
            n = epoll_wait(epfd, evs, max_events, (int)((timeout_us + 999) / 1000));
        }
    }
    for (int i = 0; i < n; i++) {
        fds[i] = evs[i].data.fd;
        events[i] = evs[i].events;
    }
    return n;
}

void csystem_malloc_keep_top(int trim_threshold, int top_pad) {
    mallopt(M_TRIM_THRESHOLD, trim_threshold);
    mallopt(M_TOP_PAD, top_pad);
}

static uint32_t crc32c_table[8][256];
static int crc32c_table_ready = 0;

static void crc32c_init_table(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : (c >> 1);
        crc32c_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = crc32c_table[0][i];
        for (int t = 1; t < 8; t++) {
            c = crc32c_table[0][c & 0xFF] ^ (c >> 8);
            crc32c_table[t][i] = c;
        }
    }
    __atomic_store_n(&crc32c_table_ready, 1, __ATOMIC_RELEASE);
}

static uint32_t crc32c_software(uint32_t crc, const uint8_t *p, size_t len) {
    if (!__atomic_load_n(&crc32c_table_ready, __ATOMIC_ACQUIRE)) crc32c_init_table();
    while (len >= 8) {
        uint64_t w;
        __builtin_memcpy(&w, p, 8);
        w ^= crc;
        crc = crc32c_table[7][w & 0xFF] ^ crc32c_table[6][(w >> 8) & 0xFF] ^
              crc32c_table[5][(w >> 16) & 0xFF] ^ crc32c_table[4][(w >> 24) & 0xFF] ^
              crc32c_table[3][(w >> 32) & 0xFF] ^ crc32c_table[2][(w >> 40) & 0xFF] ^
              crc32c_table[1][(w >> 48) & 0xFF] ^ crc32c_table[0][(w >> 56) & 0xFF];
        p += 8; len -= 8;
    }
    while (len--) crc = crc32c_table[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
static uint32_t crc32c_hardware(uint32_t crc, const uint8_t *p, size_t len) {
    uint64_t c = crc;
    while (len >= 8) {
        uint64_t w;
        __builtin_memcpy(&w, p, 8);
        c = __builtin_ia32_crc32di(c, w);
        p += 8; len -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (len--) c32 = __builtin_ia32_crc32qi(c32, *p++);
    return c32;
}
#endif

uint32_t csystem_crc32c(uint32_t crc, const void *data, size_t len) {
    crc = ~crc;
#if defined(__x86_64__)
    if (__builtin_cpu_supports("sse4.2")) {
        return ~crc32c_hardware(crc, (const uint8_t *)data, len);
    }
#endif
    return ~crc32c_software(crc, (const uint8_t *)data, len);
}
