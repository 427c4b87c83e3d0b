// The C surface the SocketCAN module needs and Swift cannot import by itself: the kernel's CAN
// UAPI headers, sizeof-macros as constants, CMSG_* function-like macros as functions, and the
// sockaddr_can cast for bind. No state, no allocation, no logic. Every function is prefixed
// `clcan_` and returns what the kernel returned; callers read errno right after a -1.
#ifndef CLINUXCAN_H
#define CLINUXCAN_H

#ifdef __linux__
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <poll.h>
#include <time.h>
#include <linux/can.h>
#include <linux/can/raw.h>
#include <linux/can/error.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <linux/sock_diag.h>
#include <linux/errqueue.h>

/// `CAN_MTU`: the byte count of a classic `struct can_frame` (16).
static const size_t CLCAN_MTU = CAN_MTU;
/// `CANFD_MTU`: the byte count of a `struct canfd_frame` (72).
static const size_t CLCANFD_MTU = CANFD_MTU;

/// Socket option and control-message numbers, resolved by the C preprocessor (some are
/// conditional macros Swift does not import).
static const int CLCAN_SOL_CAN_RAW = SOL_CAN_RAW;
static const int CLCAN_SO_TIMESTAMPNS = SO_TIMESTAMPNS;
static const int CLCAN_SCM_TIMESTAMPNS = SCM_TIMESTAMPNS;
static const int CLCAN_SO_TIMESTAMPING = SO_TIMESTAMPING;
static const int CLCAN_SCM_TIMESTAMPING = SCM_TIMESTAMPING;
static const int CLCAN_SO_RXQ_OVFL = SO_RXQ_OVFL;
static const int CLCAN_SO_RCVBUF = SO_RCVBUF;
static const int CLCAN_SO_RCVBUFFORCE = SO_RCVBUFFORCE;
static const int CLCAN_SO_RCVTIMEO = SO_RCVTIMEO;
static const int CLCAN_RAW_FILTER = CAN_RAW_FILTER;
static const int CLCAN_RAW_ERR_FILTER = CAN_RAW_ERR_FILTER;
static const int CLCAN_RAW_LOOPBACK = CAN_RAW_LOOPBACK;
static const int CLCAN_RAW_RECV_OWN_MSGS = CAN_RAW_RECV_OWN_MSGS;
static const int CLCAN_RAW_FD_FRAMES = CAN_RAW_FD_FRAMES;

/// The corresponding C macro is `CMSG_SPACE`.
size_t clcan_cmsg_space(size_t length);
/// The corresponding C macro is `CMSG_LEN`.
size_t clcan_cmsg_len(size_t length);
/// The corresponding C macro is `CMSG_FIRSTHDR`.
struct cmsghdr *clcan_cmsg_firsthdr(const struct msghdr *message);
/// The corresponding C macro is `CMSG_NXTHDR`.
struct cmsghdr *clcan_cmsg_nxthdr(const struct msghdr *message, const struct cmsghdr *header);
/// The corresponding C macro is `CMSG_DATA`.
unsigned char *clcan_cmsg_data(const struct cmsghdr *header);

/// `struct mmsghdr` (a GNU extension Swift does not import); its size is asserted in shim.c.
struct clcan_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};
/// `recvmmsg(fd, vector, count, MSG_WAITFORONE, NULL)`: waits for the first message, then
/// returns what is already queued, up to `count`.
int clcan_recvmmsg_waitforone(int fd, struct clcan_mmsghdr *vector, unsigned int count);
/// `recvmmsg(fd, vector, count, MSG_DONTWAIT, NULL)`: only what is already queued, up to
/// `count`; `EAGAIN` when nothing is.
int clcan_recvmmsg_queued(int fd, struct clcan_mmsghdr *vector, unsigned int count);

/// `getsockopt(SO_MEMINFO)`: stores the socket's cumulative drop counter
/// (`SK_MEMINFO_DROPS`, the counter `SO_RXQ_OVFL` reports with each frame) in `*drops`.
int clcan_socket_drops(int fd, unsigned int *drops);

/// `bind(2)` for a raw CAN socket to an interface index (0 = all interfaces).
int clcan_bind(int fd, int ifindex);
/// `ioctl(SIOCGIFFLAGS)` on `fd` for interface `name`; stores the flags in `*flags`.
int clcan_interface_flags(int fd, const char *name, short *flags);
/// The `SO_TIMESTAMPING` flags candump -H asks for: hardware and software receive stamps.
static const int CLCAN_TIMESTAMPING_FLAGS =
    SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_RAW_HARDWARE;
#endif

#endif
