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
    /// Every bcrypt slot and the queue are taken.
    case passwordChecksBusy
    /// The signing keys are not loaded yet (start-up).
    case keysNotLoaded
}
