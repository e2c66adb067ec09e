/// The documented exit codes (LANGUAGE.md, "Command line").
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let statementFailed: Int32 = 1
    public static let usage: Int32 = 64
    public static let syntax: Int32 = 65
    public static let io: Int32 = 74
}
