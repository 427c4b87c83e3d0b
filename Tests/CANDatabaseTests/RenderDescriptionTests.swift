import Testing
@testable import CANDatabase

/// `DatabaseDescription.render`, the text of `candor dbc show`.
@Suite struct RenderDescriptionTests {
    @Test func rendersMessagesAndSignals() {
        let r = ParserSupport.load("""
        VERSION "7"
        BU_: ECU GW
        BO_ 36 KINEMATICS: 8 ECU
         SG_ ACCEL_X : 0|16@1- (0.01,0) [-327.68|327.67] "m/s^2" GW
         SG_ MODE M : 16|2@1+ (1,0) [0|0] "" GW
         SG_ TEMP m1 : 18|8@1+ (0.5,-40) [-40|87.5] "degC" GW
        BO_ 2566844927 FD_MSG: 64 GW
         SG_ F : 0|32@1- (1,0) [0|0] "" ECU
        BO_TX_BU_ 36 : GW;
        BA_DEF_ BO_ "GenMsgCycleTime" INT 0 1000;
        BA_DEF_ BO_ "CANFD_BRS" ENUM "0","1";
        BA_ "GenMsgCycleTime" BO_ 36 10;
        BA_ "CANFD_BRS" BO_ 2566844927 1;
        VAL_ 36 MODE 0 "off" 1 "on \\"hot\\"";
        SIG_VALTYPE_ 2566844927 F : 1;
        SG_MUL_VAL_ 36 TEMP MODE 1-1, 3-4;

        """)
        #expect(r.diagnostics.isEmpty)
        #expect(DatabaseDescription.render(r.database) == """
        version "7"
        nodes ECU GW
        2 messages, 4 signals
        0x024 KINEMATICS std 8 bytes cycle 10 ms senders ECU,GW
          ACCEL_X 0|16@1- (0.01, 0) [-327.68|327.67] "m/s^2"
          MODE 16|2@1+ (1, 0) multiplexer values 0 "off", 1 "on \\"hot\\""
          TEMP 18|8@1+ (0.5, -40) [-40|87.5] "degC" when MODE in 1, 3-4
        0x18FEF1FF FD_MSG ext 64 bytes FD BRS senders GW
          F 0|32@1- (1, 0) float32

        """)
    }

    @Test func rendersAnEmptyDatabase() {
        #expect(DatabaseDescription.render(Database()) == "0 messages, 0 signals\n")
    }
}
