public import EmporiumCore
import Foundation

/// What identity refuses, thrown by its sessions, store and key ring. The HTTP edge
/// answers each case with a problem in one table (`HTTP/IdentityError+Problem.swift`).
public enum IdentityError: Error, Sendable, Equatable {
    /// Fields that break the account rules (email, password, name).
    case invalid([FieldError])
    /// The email or password is wrong (never says which).
    case wrongCredentials
    case emailTaken
    case refreshTokenInvalid
    /// A spent refresh token came back: its whole family was signed out.
    case refreshTokenReused
    /// Too many failed logins or registrations in the window; try again after this many seconds.
    case tooManyAttempts(reason: String, retryAfterSeconds: Int)
    /// Every bcrypt slot is taken and the queue is as long as it may be; try again after
    /// this many seconds (the time the queue needs to drain).
    case passwordChecksBusy(retryAfterSeconds: Int)
    /// The signing keys are not loaded yet (start-up).
    case keysNotLoaded
}
