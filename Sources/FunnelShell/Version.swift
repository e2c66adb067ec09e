public enum FunnelVersion {
    public static let string = "0.1.0"
}
