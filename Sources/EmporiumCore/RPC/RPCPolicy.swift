public import GRPCCore

/// How every internal call behaves: the deadline it carries, how often an idempotent call is
/// retried when the peer is unavailable, and when the circuit breaker gives up on a peer.
public struct RPCPolicy: Sendable {
    /// The deadline of every call (`EMPORIUM_GRPC_TIMEOUT_MS`).
    public var timeout: Duration
    /// Attempts per call, the first included; retries only on UNAVAILABLE, with gRPC's
    /// jittered exponential backoff.
    public var maxAttempts: Int
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    /// Consecutive UNAVAILABLE / DEADLINE_EXCEEDED outcomes that open a peer's circuit.
    public var breakerThreshold: Int
    /// How long an open circuit fails calls at once before one trial call may pass.
    public var breakerOpenDuration: Duration

    /// The pause before retry `attempt` (1 for the first retry): gRPC's schedule — the
    /// initial backoff doubled each time up to the maximum — with full jitter.
    func backoff(beforeRetry attempt: Int) -> Duration {
        var ceiling = self.initialBackoff
        for _ in 1..<max(1, attempt) where ceiling < self.maxBackoff { ceiling *= 2 }
        let cap = min(ceiling, self.maxBackoff)
        let (seconds, attoseconds) = cap.components
        let nanoseconds = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
        return .nanoseconds(Int64(Double.random(in: 0...1) * nanoseconds))
    }

    public init(
        timeout: Duration = .seconds(2),
        maxAttempts: Int = 4,
        initialBackoff: Duration = .milliseconds(50),
        maxBackoff: Duration = .milliseconds(500),
        breakerThreshold: Int = 5,
        breakerOpenDuration: Duration = .seconds(5)
    ) {
        self.timeout = timeout
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.breakerThreshold = breakerThreshold
        self.breakerOpenDuration = breakerOpenDuration
    }

    /// One default method config for every service and method: all of Emporium's internal
    /// calls are idempotent (by request id or by nature), so all may be retried. Calls fail
    /// fast instead of waiting for a connection (`waitForReady: false`), so a dead peer is
    /// UNAVAILABLE at once rather than a stalled request.
    ///
    /// `retries: false` (the in-process transport): under gRPC's retry executor, which replays
    /// the request from a broadcast sequence, about one in-process call in 100,000 (at 1,250
    /// shop requests/s embedded) reached its handler with no message — "Empty stream.",
    /// INTERNAL, a 500 for the shopper — likely the subscription racing the server's answer,
    /// a window a network never opens (grpc-swift PR #1779). None in 300,000 without it;
    /// `RPCConnection.call` retries UNAVAILABLE itself instead.
    func serviceConfig(roundRobin: Bool, retries: Bool = true) -> ServiceConfig {
        var methodConfig = MethodConfig(names: [MethodConfig.Name(service: "", method: "")], waitForReady: false, timeout: self.timeout)
        if retries, self.maxAttempts > 1 {
            methodConfig.executionPolicy = .retry(
                RetryPolicy(
                    maxAttempts: self.maxAttempts,
                    initialBackoff: self.initialBackoff,
                    maxBackoff: self.maxBackoff,
                    backoffMultiplier: 2,
                    retryableStatusCodes: [.unavailable]
                )
            )
        }
        return ServiceConfig(methodConfig: [methodConfig], loadBalancingConfig: roundRobin ? [.roundRobin] : [])
    }
}
