/// The common command lines, read by hand: `funnel [OPTIONS] [-c STATEMENT ...]`, `funnel run
/// FILE... [OPTIONS]` and `funnel --version`. swift-argument-parser builds its picture of the
/// commands by reflection at every start, which cost more than a query on a small store
/// (docs/performance.md, "Start-up"). A line this reader is not sure of — help, a subcommand
/// other than `run`, an unknown or repeated option, a value that starts with `-`, an option
/// value the full parser would refuse — gives nil and goes to swift-argument-parser as
/// before, so every message, help text and exit code stays its. `FastCommandLineTests` checks
/// that whatever is read here, the full parser reads the same way.
enum FastCommandLine: Equatable {
    case version
    case root(RootInvocation)
    case run(RunInvocation)

    /// `arguments`: the command line after `CommandLineText.arguments`, without the program's
    /// name. `environment` looks a variable up, for the options' checks.
    static func parse(_ arguments: [String], environment: (String) -> String?) -> FastCommandLine? {
        if arguments == ["--version"] { return .version }
        var settings = GlobalSettings()
        let parsed: FastCommandLine
        if arguments.first == "run" {
            var files: [String] = []
            var i = 1
            while i < arguments.count {
                let a = arguments[i]
                if isPlain(a) {
                    files.append(a)
                    i += 1
                } else if let next = read(arguments, at: i, into: &settings) {
                    i = next
                } else {
                    return nil
                }
            }
            if files.isEmpty { return nil }
            parsed = .run(RunInvocation(settings: settings, files: files))
        } else {
            var root = RootInvocation(settings: settings)
            var i = 0
            while i < arguments.count {
                let a = arguments[i]
                switch a {
                case "-c", "-cmd":
                    guard i + 1 < arguments.count, isPlain(arguments[i + 1]) else { return nil }
                    if a == "-c" { root.statements.append(arguments[i + 1]) } else { root.startup.append(arguments[i + 1]) }
                    i += 2
                case "-init":
                    guard root.initFile == nil, i + 1 < arguments.count, isPlain(arguments[i + 1]) else { return nil }
                    root.initFile = arguments[i + 1]
                    i += 2
                default:
                    guard let next = read(arguments, at: i, into: &root.settings) else { return nil }
                    i = next
                }
            }
            settings = root.settings
            parsed = .root(root)
        }
        return settings.problem(environment: environment) == nil ? parsed : nil
    }

    /// A value the full parser takes as it is: not empty, and not what it could read as an
    /// option, a flag or its own requests (`--help`, `--version`, `--generate-completion-script`).
    static func isPlain(_ value: String) -> Bool { !value.isEmpty && !value.hasPrefix("-") }

    /// One of the global options at `i`, given once: the index after it, or nil.
    static func read(_ arguments: [String], at i: Int, into settings: inout GlobalSettings) -> Int? {
        func flag(_ value: inout Bool) -> Int? {
            if value { return nil }
            value = true
            return i + 1
        }
        func option(_ value: inout String?) -> Int? {
            guard value == nil, i + 1 < arguments.count, isPlain(arguments[i + 1]) else { return nil }
            value = arguments[i + 1]
            return i + 2
        }
        switch arguments[i] {
        case "--store": return option(&settings.store)
        case "--format": return option(&settings.format)
        case "--today": return option(&settings.today)
        case "--charset": return option(&settings.charset)
        case "--keep-going": return flag(&settings.keepGoing)
        case "--quiet": return flag(&settings.quiet)
        case "--stream": return flag(&settings.stream)
        default: return nil
        }
    }
}
