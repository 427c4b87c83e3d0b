import FuzzSupport

// libFuzzer entry (built with --sanitize=fuzzer, which makes this file a library); a plain
// build makes it an executable that does nothing. See README.md, Testing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTargets.nmeaTrack(bytes)
    return 0
}
