// libdeflate (MIT, Debian libdeflate-dev), linked dynamically: whole-buffer DEFLATE, zlib and
// gzip compression, for the uplink's payloads. Imported only by CANCapture (Deflate.swift).
#include <libdeflate.h>
