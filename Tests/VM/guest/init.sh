#!/bin/sh
# PID 1 inside the test VM: mount, load the CAN modules, run the checks, power off.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec >/dev/console 2>&1
echo "VMTEST INFO boot uptime=$(cut -d' ' -f1 /proc/uptime) s kernel=$(uname -r)"
for module in $(cat /etc/modules.order); do
    insmod "/lib/modules/$module" || echo "VMTEST FAIL insmod $module"
done
cd /tmp
. /etc/checks.sh
sync
poweroff -f
