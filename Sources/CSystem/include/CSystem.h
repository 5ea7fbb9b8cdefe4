// Linux headers that Swift's Glibc module does not expose, for the Wire module.
#ifndef TERN_CSYSTEM_H
#define TERN_CSYSTEM_H

#define _GNU_SOURCE 1
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

/// accept4(2), which Glibc's module map hides behind _GNU_SOURCE.
int csystem_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

#endif
