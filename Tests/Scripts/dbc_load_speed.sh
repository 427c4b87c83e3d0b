#!/bin/sh
# DBC load time in release, without building the whole package in release: compiles CANCore
# and CANDatabase with -O -wmo into a scratch directory, then loads the synthetic 300-message
# DBC of the parser tests (ParserSupport.syntheticDBC) and any DBC files given, 20 times each,
# and prints the best wall-clock and thread-CPU milliseconds.
#
# Usage: Tests/Scripts/dbc_load_speed.sh [FILE.dbc ...]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${TMPDIR:-/tmp}/candor-dbc-speed
mkdir -p "$work"
cd "$root"
swiftc -O -wmo -parse-as-library -emit-library -module-name CANCore Sources/CANCore/*.swift \
    -emit-module-path "$work/CANCore.swiftmodule" -o "$work/libCANCore.so"
swiftc -O -wmo -emit-library -module-name CANDatabase -I "$work" -L "$work" -lCANCore \
    $(find Sources/CANDatabase -name '*.swift') \
    -emit-module-path "$work/CANDatabase.swiftmodule" -o "$work/libCANDatabase.so"
{
    echo 'import CANDatabase'
    echo 'import Glibc'
    echo 'enum Synthetic {'
    sed -n '/static func syntheticDBC/,/^    }$/p' Tests/CANDatabaseTests/ParserSupport.swift
    echo '}'
    cat <<'EOF'
func cpuMilliseconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
}
func measure(_ name: String, _ load: () throws -> DBCLoadResult) rethrows {
    let clock = ContinuousClock()
    var wall = Double.infinity, cpu = Double.infinity, messages = 0
    for _ in 0..<20 {
        let c0 = cpuMilliseconds()
        let t0 = clock.now
        messages = try load().database.messages.count
        let d = clock.now - t0
        cpu = min(cpu, cpuMilliseconds() - c0)
        wall = min(wall, Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15)
    }
    func ms(_ v: Double) -> String { String((v * 100).rounded() / 100) }
    print(name + ": \(messages) messages, best of 20: \(ms(wall)) ms wall, \(ms(cpu)) ms CPU")
}
let synthetic = Array(Synthetic.syntheticDBC(messages: 300).utf8)
measure("synthetic 300 messages (\(synthetic.count) bytes)") { DBCParser.parse(synthetic, file: "synthetic.dbc") }
for path in CommandLine.arguments.dropFirst() {
    try measure(String(path.split(separator: "/").last ?? "")) { try DBCFile.load(path: path) }
}
EOF
} > "$work/main.swift"
swiftc -O -I "$work" -L "$work" -lCANCore -lCANDatabase "$work/main.swift" -o "$work/dbc-load-speed"
LD_LIBRARY_PATH="$work" "$work/dbc-load-speed" "$@"
