import Testing
@testable import Gateway

@Test func sinkErrorNamesTheFile() {
    let error = SinkError(.newerSchema, path: "/tmp/x.db", message: "schema version 9 is newer than this candor's 1")
    #expect(error.description == "/tmp/x.db: schema version 9 is newer than this candor's 1")
}
