#ifdef __linux__
#define _GNU_SOURCE
#include "CLinuxCAN.h"
#include <stddef.h>
#include <string.h>

// The frame layouts the SocketCAN module converts by byte offset (can.h): pin them.
_Static_assert(sizeof(struct can_frame) == 16, "struct can_frame is 16 bytes");
_Static_assert(sizeof(struct canfd_frame) == 72, "struct canfd_frame is 72 bytes");
_Static_assert(offsetof(struct can_frame, data) == 8, "can_frame.data at byte 8");
_Static_assert(offsetof(struct canfd_frame, data) == 8, "canfd_frame.data at byte 8");
_Static_assert(offsetof(struct canfd_frame, flags) == 5, "canfd_frame.flags at byte 5");
_Static_assert(offsetof(struct can_frame, len8_dlc) == 7, "can_frame.len8_dlc at byte 7");
_Static_assert(sizeof(struct can_filter) == 8, "struct can_filter is 8 bytes");
_Static_assert(sizeof(struct timespec) == 16, "struct timespec is 16 bytes on 64-bit Linux");

_Static_assert(sizeof(struct clcan_mmsghdr) == sizeof(struct mmsghdr), "clcan_mmsghdr mirrors struct mmsghdr");
_Static_assert(offsetof(struct clcan_mmsghdr, msg_len) == offsetof(struct mmsghdr, msg_len), "msg_len offset");

int clcan_recvmmsg_waitforone(int fd, struct clcan_mmsghdr *vector, unsigned int count) {
    return recvmmsg(fd, (struct mmsghdr *)vector, count, MSG_WAITFORONE, NULL);
}

int clcan_recvmmsg_queued(int fd, struct clcan_mmsghdr *vector, unsigned int count) {
    return recvmmsg(fd, (struct mmsghdr *)vector, count, MSG_DONTWAIT, NULL);
}

int clcan_socket_drops(int fd, unsigned int *drops) {
    unsigned int meminfo[SK_MEMINFO_VARS];
    socklen_t length = sizeof meminfo;
    int result = getsockopt(fd, SOL_SOCKET, SO_MEMINFO, meminfo, &length);
    if (result == 0) *drops = length > SK_MEMINFO_DROPS * sizeof(unsigned int) ? meminfo[SK_MEMINFO_DROPS] : 0;
    return result;
}

size_t clcan_cmsg_space(size_t length) { return CMSG_SPACE(length); }
size_t clcan_cmsg_len(size_t length) { return CMSG_LEN(length); }
struct cmsghdr *clcan_cmsg_firsthdr(const struct msghdr *message) { return CMSG_FIRSTHDR(message); }
struct cmsghdr *clcan_cmsg_nxthdr(const struct msghdr *message, const struct cmsghdr *header) {
    return CMSG_NXTHDR((struct msghdr *)message, (struct cmsghdr *)header);
}
unsigned char *clcan_cmsg_data(const struct cmsghdr *header) { return CMSG_DATA((struct cmsghdr *)header); }

int clcan_bind(int fd, int ifindex) {
    struct sockaddr_can address;
    memset(&address, 0, sizeof address);
    address.can_family = AF_CAN;
    address.can_ifindex = ifindex;
    return bind(fd, (struct sockaddr *)&address, sizeof address);
}

int clcan_interface_flags(int fd, const char *name, short *flags) {
    struct ifreq request;
    memset(&request, 0, sizeof request);
    strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    int result = ioctl(fd, SIOCGIFFLAGS, &request);
    if (result == 0) *flags = request.ifr_flags;
    return result;
}
#endif
