// Linux headers that Swift's Glibc module does not expose, for the Wire module.
#ifndef TERN_CSYSTEM_H
#define TERN_CSYSTEM_H


#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

/// accept4(2), which Glibc's module map hides behind _GNU_SOURCE.
int csystem_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

/// epoll_ctl(2) with the fd itself as the event's user data (avoids the packed struct in Swift).
int csystem_epoll_ctl(int epfd, int op, int fd, uint32_t events);

/// epoll_wait(2) unpacked into two parallel arrays: ready fds and their event masks.
int csystem_epoll_wait(int epfd, int32_t *fds, uint32_t *events, int max_events, int timeout_ms);

/// mallopt(3): freed memory at an arena's top is returned to the kernel only above `trim_threshold`
/// bytes, and each growth asks for `top_pad` bytes more (malloc.h is not in Glibc's module).
void csystem_malloc_keep_top(int trim_threshold, int top_pad);

/// Like csystem_epoll_wait with a timeout in microseconds (epoll_pwait2; a negative timeout waits
/// without bound), so a loop can wait less than a millisecond instead of spinning.
int csystem_epoll_wait_us(int epfd, int32_t *fds, uint32_t *events, int max_events, int64_t timeout_us);

/// CRC-32C (Castagnoli) of `len` bytes, continuing from `crc` (start with 0).
/// Uses SSE4.2 when the CPU has it, a table otherwise.
uint32_t csystem_crc32c(uint32_t crc, const void *data, size_t len);

/// Constants that Swift cannot import from macros or enums reliably.
extern const int csystem_EPOLLIN;
extern const int csystem_EPOLLOUT;
extern const int csystem_EPOLLERR;
extern const int csystem_EPOLLHUP;
extern const int csystem_EPOLLRDHUP;
extern const int csystem_EFD_NONBLOCK;
extern const int csystem_EFD_CLOEXEC;
extern const int csystem_SOCK_NONBLOCK;
extern const int csystem_SOCK_CLOEXEC;

#endif
