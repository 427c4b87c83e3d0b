#!/usr/bin/python3
"""A pass-through FUSE filesystem that fails with EIO while a switch file exists: the I/O-error
fault of candor's fault-injection tests (FaultDiskFullTests, UplinkOutboxErrorTests).

    /usr/bin/python3 Tests/Faults/eiofs.py BACKING MOUNTPOINT

Every file operation goes to BACKING. While BACKING/.fail exists, writes, fsyncs, truncations,
file creations and renames fail with EIO (reads still work, like a disk whose writes fail);
remove BACKING/.fail and they work again. When .fail holds "intermittent SEED", writes fail
only at random, one in two (a pseudo-random sequence from SEED), and the other calls still
always: a disk failing on and off, where a write of several pages stops partway and the
truncation of the line it cut fails while the next write works. Runs in the foreground until
unmounted (`umount MOUNTPOINT`). Needs /dev/fuse and root (or fusermount); Debian: fuse3,
python3-fusepy.
"""
import errno
import os
import random
import sys

import fusepy


class FailingPassthrough(fusepy.Operations):
    def __init__(self, backing):
        self.backing = os.path.realpath(backing)
        self.switch = os.path.join(self.backing, ".fail")
        self.chance = None  # (SEED, its generator) while failing intermittently

    def _path(self, path):
        return os.path.join(self.backing, path.lstrip("/"))

    def _check(self, write=False):
        try:
            with open(self.switch, "rb") as switch:
                words = switch.read().split()
        except FileNotFoundError:
            return
        if write and len(words) == 2 and words[0] == b"intermittent":
            if self.chance is None or self.chance[0] != words[1]:
                self.chance = (words[1], random.Random(int(words[1])))
            if self.chance[1].random() < 0.5:
                return
        raise fusepy.FuseOSError(errno.EIO)

    # Metadata and reads: passed through.
    def getattr(self, path, fh=None):
        st = os.lstat(self._path(path))
        return {key: getattr(st, key) for key in (
            "st_atime", "st_ctime", "st_gid", "st_mode", "st_mtime", "st_nlink", "st_size", "st_uid")}

    def access(self, path, amode):
        if not os.access(self._path(path), amode):
            raise fusepy.FuseOSError(errno.EACCES)

    def readdir(self, path, fh):
        return [".", ".."] + [n for n in os.listdir(self._path(path)) if n != ".fail"]

    def readlink(self, path):
        return os.readlink(self._path(path))

    def statfs(self, path):
        st = os.statvfs(self._path(path))
        return {key: getattr(st, key) for key in (
            "f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files", "f_flag", "f_frsize",
            "f_namemax")}

    def open(self, path, flags):
        return os.open(self._path(path), flags)

    def read(self, path, size, offset, fh):
        return os.pread(fh, size, offset)

    def release(self, path, fh):
        os.close(fh)

    def flush(self, path, fh):
        return 0

    def chmod(self, path, mode):
        os.chmod(self._path(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self._path(path), uid, gid)

    def utimens(self, path, times=None):
        os.utime(self._path(path), times)

    def unlink(self, path):
        os.unlink(self._path(path))

    def rmdir(self, path):
        os.rmdir(self._path(path))

    # Writes: fail while the switch exists.
    def create(self, path, mode, fi=None):
        self._check()
        return os.open(self._path(path), os.O_RDWR | os.O_CREAT, mode)

    def mkdir(self, path, mode):
        self._check()
        os.mkdir(self._path(path), mode)

    def rename(self, old, new):
        self._check()
        os.rename(self._path(old), self._path(new))

    def truncate(self, path, length, fh=None):
        self._check()
        if fh is None:
            os.truncate(self._path(path), length)
        else:
            os.ftruncate(fh, length)

    def write(self, path, data, offset, fh):
        self._check(write=True)
        return os.pwrite(fh, data, offset)

    def fsync(self, path, datasync, fh):
        self._check()
        if datasync:
            os.fdatasync(fh)
        else:
            os.fsync(fh)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: eiofs.py BACKING MOUNTPOINT")
    fusepy.FUSE(FailingPassthrough(sys.argv[1]), sys.argv[2], foreground=True, nothreads=True, allow_other=True, attr_timeout=0, entry_timeout=0)


if __name__ == "__main__":
    main()
