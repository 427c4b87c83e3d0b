// libsocketcan (LGPL-2.1, linked dynamically). <libsocketcan.h> only forward-declares
// struct rtnl_link_stats64; the kernel's if_link.h defines it.
#include <linux/if_link.h>
#include <linux/can/netlink.h>
#include <libsocketcan.h>
